"""riskrating: open, explainable cyber-risk ratings with uncertainty for health and care
organisations and their suppliers.

The engine is Rust (``risk-core``); this package is a thin binding plus pandas and matplotlib
helpers for notebooks.
"""

from __future__ import annotations

from ._exceptions import InputError, MethodologyError, RiskError, SimulationError
from ._riskrating import Methodology, Portfolio, __version__

__all__ = [
    "InputError",
    "Methodology",
    "MethodologyError",
    "Portfolio",
    "RiskError",
    "SimulationError",
    "__version__",
]
