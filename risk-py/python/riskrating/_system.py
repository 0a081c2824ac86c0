"""The system view: correlated incidents across groups (ICBs, regions) through shared suppliers.

:func:`system` runs the engine's cascade simulation (``risk_core::system``) and wraps its report
in :class:`SystemReport`: pandas frames and a plot of P(>= k members compromised) with and
without correlation. Every figure comes from the engine; nothing is estimated here.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Union

from ._convert import dumps
from ._riskrating import system_report

if TYPE_CHECKING:
    import pandas
    from matplotlib.axes import Axes

    from ._riskrating import Methodology

__all__ = ["system", "SystemReport"]


class SystemReport:
    """The report of :func:`system`: ``to_dict()`` is the engine's JSON document."""

    def __init__(self, report: Dict[str, Any]) -> None:
        self._report = report

    def to_dict(self) -> Dict[str, Any]:
        """The report document (a fresh copy)."""
        result: Dict[str, Any] = json.loads(json.dumps(self._report))
        return result

    @property
    def trials(self) -> int:
        """Trials run."""
        return int(self._report["trials"])

    @property
    def portfolio(self) -> Dict[str, Any]:
        """The whole portfolio as one group (named ``*``)."""
        result: Dict[str, Any] = self._report["portfolio"]
        return result

    @property
    def groups(self) -> List[Dict[str, Any]]:
        """Every group, sorted by name."""
        result: List[Dict[str, Any]] = self._report["groups"]
        return result

    def group(self, name: str) -> Dict[str, Any]:
        """One group by name (``*`` for the portfolio); KeyError if there is none."""
        if name == "*":
            return self.portfolio
        for g in self.groups:
            if g["group"] == name:
                return g
        raise KeyError(name)

    def _all(self) -> List[Dict[str, Any]]:
        return [self.portfolio, *self.groups]

    def groups_frame(self) -> "pandas.DataFrame":
        """One row per group (portfolio first): members, expected number compromised (simulated
        and Σ rated P) and, per k, P(>= k) with its independent value and the multiplier."""
        import pandas

        rows = []
        for g in self._all():
            row: Dict[str, Any] = {
                "group": g["group"],
                "members": g["members"],
                "expected": g["expected"],
                "expected_rated": g["expected_rated"],
            }
            for t in g["tail"]:
                row[f"p_ge_{t['k']}"] = t["p"]
                row[f"p_ge_{t['k']}_independent"] = t["p_independent"]
                row[f"multiplier_{t['k']}"] = t["multiplier"]
            rows.append(row)
        return pandas.DataFrame(rows)

    def tail_frame(self) -> "pandas.DataFrame":
        """One row per (group, k): p, se, p_independent, p_rated_independent, multiplier."""
        import pandas

        rows = [dict(group=g["group"], **t) for g in self._all() for t in g["tail"]]
        return pandas.DataFrame(
            rows,
            columns=["group", "k", "p", "se", "p_independent", "p_rated_independent", "multiplier"],
        )

    def suppliers_frame(self) -> "pandas.DataFrame":
        """One row per (group, attributed supplier): compromised and caused shares of the
        group's tail trials (>= ``attribution_k`` members compromised)."""
        import pandas

        rows = [dict(group=g["group"], **s) for g in self._all() for s in g["suppliers"]]
        return pandas.DataFrame(
            rows, columns=["group", "id", "compromised_share", "caused_share", "tail_trials"]
        )

    def organisations_frame(self) -> "pandas.DataFrame":
        """One row per organisation: simulated marginal, its se, rated P and the difference."""
        import pandas

        return pandas.DataFrame(
            self._report["organisations"],
            columns=["id", "simulated", "se", "rated", "difference"],
        )

    def plot_tail(self, group: str = "*", ax: Optional["Axes"] = None) -> "Axes":
        """P(>= k members compromised) against k for one group: simulated (with correlation)
        and under independence (same marginals), on a log scale."""
        import matplotlib.pyplot as plt

        g = self.group(group)
        ks = [t["k"] for t in g["tail"]]
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        ax.plot(ks, [t["p"] for t in g["tail"]], "o-", label="simulated (correlated)")
        ax.plot(ks, [t["p_independent"] for t in g["tail"]], "s--", label="independent")
        ax.set_yscale("log")
        ax.set_xlabel("k (members compromised)")
        ax.set_ylabel("P(at least k in a year)")
        ax.set_title(f"{g['group']}: {g['members']} members, {self.trials:,} trials")
        ax.legend()
        return ax


def system(
    document: Any,
    *,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    ks: Optional[Iterable[int]] = None,
    attribution_k: Optional[int] = None,
    suppliers: Optional[Iterable[str]] = None,
    losses: Optional[Dict[str, Any]] = None,
    organisation: Optional[str] = None,
    actions: Union[None, str, Dict[str, Any], List[Dict[str, Any]]] = None,
    methodology: Optional["Methodology"] = None,
) -> SystemReport:
    """Simulate the supply-chain cascade of a portfolio (docs/methodology.md section 17).

    Per group (the organisations' ``groups``) and for the whole portfolio (``*``): the
    distribution of the number of members compromised at once, P(>= k) with and without
    correlation, supplier attribution; per organisation the simulated marginal next to the
    rated P. Options left as ``None`` take the engine's defaults (10,000 trials, seed 0,
    ks 1, 2, 3, 5, 10, attribution at 3). ``losses`` (e.g. ``{}`` for the default per-peer-group
    losses) adds group VaR/TVaR and loss exceedance curves. With ``organisation`` and
    ``actions`` (as for :func:`what_if`) the changed portfolio is simulated with the same seed.

    Raises :class:`SimulationError` for bad options (with the path, e.g. ``ks[1]``) and
    :class:`InputError` for a bad document or action.

    >>> doc = {"as_of": "2025-09-30", "organisations": [
    ...   {"id": "A", "groups": ["icb:X"], "dependencies": [{"supplier": "S", "criticality": "critical", "access": "admin"}]},
    ...   {"id": "B", "groups": ["icb:X"], "dependencies": [{"supplier": "S", "criticality": "critical", "access": "admin"}]},
    ...   {"id": "S", "attestation": {"incident_probability": 0.3}}]}
    >>> r = riskrating.system(doc, trials=20_000, seed=7)
    >>> both = r.tail_frame().query("group == 'icb:X' and k == 2").iloc[0]
    >>> bool(both.multiplier > 1.1)
    True
    """
    options: Dict[str, Any] = {}
    for name, value in (
        ("trials", trials),
        ("seed", seed),
        ("ks", None if ks is None else list(ks)),
        ("attribution_k", attribution_k),
        ("suppliers", None if suppliers is None else list(suppliers)),
        ("losses", losses),
    ):
        if value is not None:
            options[name] = value
    text = system_report(document, dumps(options, "options"), organisation, actions, methodology)
    return SystemReport(json.loads(text))
