"""Calibration (calibration-v1): fit the methodology to recorded incidents and report how well
its probabilities predict them.

Everything is computed by the engine (``risk_core::calibration``); this module only wraps the
report document in an object with pandas frames and a reliability plot.

>>> import riskrating
>>> report = riskrating.calibrate(portfolio, incidents, config)   # doctest: +SKIP
>>> report.to_frame().query("metric == 'auc'")                     # doctest: +SKIP
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ._riskrating import Methodology, _calibrate

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["CalibrationReport", "calibrate", "evaluate_calibration", "incidents_from_frame"]

_BLOCKS = ("overall", "internal", "supply")


class CalibrationReport:
    """The validation report of calibration-v1 section 4.4 (``to_dict()`` is that document,
    equal to the Rust example ``calibrate --report`` output on the same files)."""

    methodology: Optional[Methodology]
    """The fitted methodology (``None`` from :func:`evaluate_calibration` or level ``none``)."""

    def __init__(self, text: str, methodology: Optional[Methodology]) -> None:
        self._text = text
        self._doc: Dict[str, Any] = json.loads(text)
        self.methodology = methodology

    def to_dict(self) -> Dict[str, Any]:
        """The report document as a dict (a fresh copy)."""
        out: Dict[str, Any] = json.loads(self._text)
        return out

    def to_json(self) -> str:
        """The report document as JSON text, exactly as the engine wrote it."""
        return self._text

    def _blocks(self) -> List[Tuple[str, str, str, Dict[str, Any]]]:
        """(methodology label, block name, metrics dict) for every validation block."""
        out: List[Tuple[str, str, str, Dict[str, Any]]] = []
        v = self._doc["validation"]
        for which in ("original", "fitted"):
            b = v.get(which)
            if b is None:
                continue
            for name in _BLOCKS:
                m = b["overall"] if name == "overall" else b["components"][name]
                out.append((which, b["methodology"], name, m))
        return out

    def to_frame(self) -> "pandas.DataFrame":
        """One row per metric × methodology × block (overall / internal / supply), with the
        estimate and its 95% interval where the report gives one."""
        import pandas as pd

        rows: List[Dict[str, Any]] = []
        for which, mid, name, m in self._blocks():

            def add(metric: str, value: Any, ci: Any = None) -> None:
                lo, hi = (ci[0], ci[1]) if ci else (None, None)
                rows.append(
                    {
                        "methodology": which,
                        "methodology_id": mid,
                        "block": name,
                        "metric": metric,
                        "value": value,
                        "lower": lo,
                        "upper": hi,
                    }
                )

            add("n", m["n"])
            add("events", m["events"])
            add("base_rate", m["base_rate"])
            add("mean_predicted", m["mean_predicted"])
            auc = m["auc"] or {}
            add("auc", auc.get("estimate"), auc.get("ci"))
            brier = m["brier"] or {}
            add("brier", brier.get("score"))
            add("brier_skill", brier.get("skill"))
            add("ece", m["ece"])
            oe = m["oe"] or {}
            add("observed_expected", oe.get("ratio"), oe.get("ci"))
            ci = m["calibration_intercept"] or {}
            add("calibration_intercept", ci.get("estimate"), ci.get("ci_cluster"))
            cs = m["calibration_slope"] or {}
            add("calibration_slope", cs.get("estimate"), cs.get("ci_cluster"))
        return pd.DataFrame(
            rows,
            columns=["methodology", "methodology_id", "block", "metric", "value", "lower", "upper"],
        )

    def reliability_frame(self) -> "pandas.DataFrame":
        """The reliability table (section 4.1) of every block: one row per non-empty bin."""
        import pandas as pd

        rows: List[Dict[str, Any]] = []
        for which, mid, name, m in self._blocks():
            for b in m["reliability"]:
                ci = b.get("observed_ci") or [None, None]
                rows.append(
                    {
                        "methodology": which,
                        "block": name,
                        "bin": b["bin"],
                        "n": b["n"],
                        "events": b["events"],
                        "mean_predicted": b["mean_predicted"],
                        "observed": b["observed"],
                        "observed_lower": ci[0],
                        "observed_upper": ci[1],
                    }
                )
        cols = ["methodology", "block", "bin", "n", "events", "mean_predicted", "observed"]
        return pd.DataFrame(rows, columns=cols + ["observed_lower", "observed_upper"])

    def bands_frame(self) -> "pandas.DataFrame":
        """Observed incident rate by rating band (overall blocks only, as the report gives)."""
        import pandas as pd

        rows: List[Dict[str, Any]] = []
        for which, mid, name, m in self._blocks():
            for b in m.get("bands") or []:
                ci = b.get("relative_risk_ci") or [None, None]
                rows.append(
                    {
                        "methodology": which,
                        "block": name,
                        "band": b["band"],
                        "n": b["n"],
                        "events": b["events"],
                        "observed": b["observed"],
                        "mean_predicted": b["mean_predicted"],
                        "relative_risk": b["relative_risk"],
                        "relative_risk_lower": ci[0],
                        "relative_risk_upper": ci[1],
                    }
                )
        cols = ["methodology", "block", "band", "n", "events", "observed", "mean_predicted"]
        return pd.DataFrame(
            rows, columns=cols + ["relative_risk", "relative_risk_lower", "relative_risk_upper"]
        )

    def plot_reliability(self, ax: Any = None) -> Any:
        """Reliability diagram of the overall blocks (observed against predicted, with the
        Wilson intervals and the diagonal); returns the matplotlib axes."""
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots()
        f = self.reliability_frame()
        f = f[f["block"] == "overall"]
        for which, g in f.groupby("methodology", sort=False):
            lo = (g["observed"] - g["observed_lower"]).clip(lower=0)
            hi = (g["observed_upper"] - g["observed"]).clip(lower=0)
            err = [lo, hi]
            ax.errorbar(g["mean_predicted"], g["observed"], yerr=err, fmt="o-", label=which)
        ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
        ax.set_xlabel("predicted probability")
        ax.set_ylabel("observed frequency")
        ax.legend()
        return ax

    def plot_bands(self, ax: Any = None) -> Any:
        """Band chart: the observed incident rate of each rating band next to the mean predicted
        probability, per methodology (original and, after a fit, fitted); returns the matplotlib
        axes. The bars are the report's figures (:meth:`bands_frame`), nothing is recomputed."""
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots()
        f = self.bands_frame()
        f = f[f["block"] == "overall"]
        groups = list(f.groupby("methodology", sort=False))
        bands = sorted(set(f["band"]))
        width = 0.8 / max(1, 2 * len(groups))
        for k, (which, g) in enumerate(groups):
            g = g.set_index("band").reindex(bands)
            xs = [i + (2 * k) * width for i in range(len(bands))]
            ax.bar(xs, g["observed"], width, label=f"{which}: observed")
            ax.bar([x + width for x in xs], g["mean_predicted"], width, label=f"{which}: predicted", alpha=0.6)
        ax.set_xticks([i + width * (len(groups) - 0.5) for i in range(len(bands))])
        ax.set_xticklabels(bands)
        ax.set_xlabel("rating band")
        ax.set_ylabel("incidents per organisation-year")
        ax.legend()
        return ax

    def __repr__(self) -> str:
        o = self._doc["validation"]["original"]["overall"]
        return f"<CalibrationReport n={o['n']} events={o['events']}>"


def _plain(value: Any) -> Any:
    """One cell of an incidents frame as JSON: missing values (None, NaN, NaT, pandas.NA) are
    None, which the incident document reads as an absent optional field; dates are ISO text;
    NumPy scalars are Python scalars."""
    if value is None:
        return None
    try:
        if value != value:  # NaN, NaT
            return None
    except (TypeError, ValueError):  # pandas.NA compares ambiguously
        return None
    if hasattr(value, "date") and callable(value.date) and hasattr(value, "hour"):
        return value.date().isoformat()  # pandas.Timestamp, datetime.datetime
    if hasattr(value, "isoformat"):
        return value.isoformat()  # datetime.date
    if hasattr(value, "item"):
        return value.item()  # NumPy scalar
    return value


def incidents_from_frame(frame: Any) -> Dict[str, Any]:
    """The incident document (calibration-v1 section 1) of a table with one row per incident
    and the document's field names as columns (``id``, ``organisation``, ``occurred_on``,
    ``origin``, and optionally ``supplier``, ``material``, ``description``): a pandas frame or
    anything exposing the Arrow PyCapsule interface (polars, pyarrow). Every check is the
    engine's, at ``incidents[row].column``.

    >>> import pandas as pd
    >>> riskrating.calibration.incidents_from_frame(pd.DataFrame({"id": ["I1"], "organisation": ["RBS"],
    ...     "occurred_on": [pd.Timestamp("2024-03-14")], "origin": ["internal"],
    ...     "supplier": [None]}))
    {'incidents': [{'id': 'I1', 'organisation': 'RBS', 'occurred_on': '2024-03-14', 'origin': 'internal', 'supplier': None}]}
    """
    if not hasattr(frame, "to_dict") and hasattr(frame, "__arrow_c_stream__"):
        from .arrow import to_arrow_table

        frame = to_arrow_table(frame).to_pandas()
    records = frame.to_dict("records")
    return {"incidents": [{str(k): _plain(v) for k, v in r.items()} for r in records]}


def _incidents_arg(incidents: Any) -> Any:
    """A table of incidents becomes the incident document; every other form goes as it is."""
    if hasattr(incidents, "columns") or hasattr(incidents, "__arrow_c_stream__"):
        return incidents_from_frame(incidents)
    return incidents


def calibrate(
    portfolio: Any, incidents: Any, config: Any, methodology: Optional[Methodology] = None
) -> CalibrationReport:
    """Fit ``methodology`` (default ``nhs-caf-v1``) to the incidents and report (sections 3–4).

    Each document is a path, JSON text, bytes or a dict, as :func:`riskrating.rate` accepts;
    ``incidents`` may also be a table (see :func:`incidents_from_frame`).
    Raises :class:`riskrating.CalibrationError` for a bad incident or configuration document or
    a failed fit, :class:`riskrating.InputError` for a bad portfolio.
    """
    text, fitted = _calibrate(portfolio, _incidents_arg(incidents), config, methodology, True)
    return CalibrationReport(text, fitted)


def evaluate_calibration(
    portfolio: Any, incidents: Any, config: Any, methodology: Optional[Methodology] = None
) -> CalibrationReport:
    """The validation report (section 4) of ``methodology`` alone, without fitting.
    ``incidents`` as for :func:`calibrate`."""
    text, fitted = _calibrate(portfolio, _incidents_arg(incidents), config, methodology, False)
    return CalibrationReport(text, fitted)
