"""Loss quantification: Open FAIR-style Monte Carlo in money, linked to the ratings.

:func:`simulate` runs loss scenarios for ``n`` simulated years and returns a :class:`Simulation`
with the annual losses (``.losses``, a NumPy array) and their risk measures (``.mean``,
``.percentile(q)``, ``.var(q)``, ``.tvar(q)``, ``.exceedance(points)``). A scenario's frequency
can come from an organisation's rating (``{"from_rating": "RBS"}`` with
``ratings=riskrating.rate(...)``).

>>> result = riskrating.rate(riskrating.sample_portfolio(120, seed=7))
>>> trust = result.ids[0]
>>> sim = riskrating.quant.simulate(
...     [{"name": "ransomware", "frequency": {"from_rating": trust},
...       "primary_loss": {"type": "lognormal_ci", "low": 100_000, "high": 10_000_000}}],
...     n=50_000, seed=1, ratings=result)
>>> sim
Simulation(trials=50000, mode='compound', mean=..., p95=...)
>>> bool(0 < sim.mean < sim.tvar(0.95))
True
"""

from __future__ import annotations

from ._riskrating import Simulation, simulate

__all__ = ["Simulation", "simulate"]
