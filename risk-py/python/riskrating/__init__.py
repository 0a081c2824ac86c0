"""riskrating: open, explainable cyber-risk ratings with uncertainty for health and care
organisations and their suppliers.

The engine is Rust (``risk-core``); this package is a thin binding plus pandas and matplotlib
helpers for notebooks.
"""

from __future__ import annotations

from ._frames import from_frames
from ._exceptions import InputError, MethodologyError, RiskError, SimulationError
from ._riskrating import (
    Driver,
    FactorRating,
    History,
    Methodology,
    Plan,
    Portfolio,
    PortfolioRating,
    Rating,
    WhatIf,
    __version__,
    change,
    history,
    plan,
    rate,
    sample_portfolio,
    validate,
    what_if,
)

__all__ = [
    "Driver",
    "FactorRating",
    "History",
    "InputError",
    "Methodology",
    "MethodologyError",
    "Plan",
    "Portfolio",
    "PortfolioRating",
    "Rating",
    "RiskError",
    "SimulationError",
    "WhatIf",
    "__version__",
    "change",
    "from_frames",
    "history",
    "plan",
    "rate",
    "sample_portfolio",
    "validate",
    "what_if",
]
