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
    Methodology,
    Portfolio,
    PortfolioRating,
    Rating,
    __version__,
    rate,
    validate,
)

__all__ = [
    "Driver",
    "FactorRating",
    "InputError",
    "Methodology",
    "MethodologyError",
    "Portfolio",
    "PortfolioRating",
    "Rating",
    "RiskError",
    "SimulationError",
    "__version__",
    "from_frames",
    "rate",
    "validate",
]
