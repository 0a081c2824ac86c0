"""riskrating: open, explainable cyber-risk ratings with uncertainty for health and care
organisations and their suppliers.

The engine is Rust (``risk-core``); this package is a thin binding plus pandas and matplotlib
helpers for notebooks. Every figure comes from the engine: ``rate(...).to_json()`` is the same
document, byte for byte, as the Rust ``rate`` example's ``--json`` output.

>>> portfolio = riskrating.sample_portfolio(120, seed=7)      # or a dict, JSON text, a path
>>> result = riskrating.rate(portfolio)
>>> len(result), result.methodology
(120, 'nhs-caf-v1')
>>> worst = min(result, key=lambda r: r.score)
>>> worst.interval[0] <= worst.score <= worst.interval[1]
True
>>> frame = result.to_frame()                                # pandas, one row per organisation
>>> list(frame.columns[:4])
['id', 'peer_group', 'score', 'band']
>>> plan = riskrating.plan(portfolio, worst.id, k=3)
>>> plan.score_with_all >= plan.score
True
"""

from __future__ import annotations

from . import ingest, quant
from ._frames import from_frames
from ._exceptions import (
    ERROR_CODES,
    FeedError,
    IngestError,
    InputError,
    MethodologyError,
    RiskError,
    SimulationError,
)
from ._system import SystemReport, system
from ._exceptions import CalibrationError
from .calibration import CalibrationReport, calibrate, evaluate_calibration
from ._riskrating import (
    Driver,
    EpssScores,
    FactorRating,
    History,
    KevCatalog,
    Methodology,
    MethodologyComparison,
    Plan,
    Portfolio,
    PortfolioRating,
    PreparedPortfolio,
    Rating,
    WhatIf,
    __version__,
    change,
    compare_methodologies,
    default_limits,
    enrich,
    history,
    plan,
    portfolio_from_tables,
    portfolio_to_tables,
    rate,
    rate_from_internal,
    rate_internal,
    sample_portfolio,
    table_schema,
    source_frame,
    validate,
    what_if,
)

__all__ = [
    "ERROR_CODES",
    "CalibrationError",
    "CalibrationReport",
    "Driver",
    "EpssScores",
    "FactorRating",
    "FeedError",
    "History",
    "IngestError",
    "InputError",
    "KevCatalog",
    "Methodology",
    "MethodologyComparison",
    "MethodologyError",
    "Plan",
    "Portfolio",
    "PortfolioRating",
    "PreparedPortfolio",
    "Rating",
    "RiskError",
    "SimulationError",
    "WhatIf",
    "__version__",
    "calibrate",
    "change",
    "compare_methodologies",
    "default_limits",
    "enrich",
    "evaluate_calibration",
    "from_frames",
    "history",
    "ingest",
    "plan",
    "portfolio_from_tables",
    "portfolio_to_tables",
    "quant",
    "rate",
    "rate_from_internal",
    "rate_internal",
    "sample_portfolio",
    "table_schema",
    "source_frame",
    "validate",
    "what_if",
    "SystemReport",
    "system",
]
