"""riskrating: open, explainable cyber-risk ratings with uncertainty for health and care
organisations and their suppliers.

The engine is Rust (``risk-core``); this package is a thin binding plus pandas and matplotlib
helpers for notebooks.
"""

from __future__ import annotations

from ._frames import from_frames
from ._exceptions import FeedError, InputError, MethodologyError, RiskError, SimulationError
from ._riskrating import (
    Driver,
    EpssScores,
    FactorRating,
    History,
    KevCatalog,
    Methodology,
    Plan,
    Portfolio,
    PortfolioRating,
    Rating,
    WhatIf,
    __version__,
    change,
    enrich,
    history,
    plan,
    rate,
    sample_portfolio,
    validate,
    what_if,
)

__all__ = [
    "Driver",
    "EpssScores",
    "FactorRating",
    "FeedError",
    "History",
    "InputError",
    "KevCatalog",
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
    "enrich",
    "from_frames",
    "history",
    "plan",
    "rate",
    "sample_portfolio",
    "validate",
    "what_if",
]
