"""Telemetry from the tools trusts run, in: OCSF 1.x events and Nessus v2 exports.

:func:`ocsf` and :func:`nessus` read exports (paths, which are streamed, or ``bytes``/``str``
content), attribute each event to an organisation through the mapping you give — never by
guessing — and return an :class:`Ingested`: the evidence as a :class:`riskrating.Portfolio`,
the same evidence as pandas frames, and the ingest report (records read, used, skipped by
reason, every problem with its record, line and JSON/XML path). The rules, field by field, are
the engine's (``risk_core::ingest``) and the same in Rust and JavaScript.

>>> out = riskrating.ingest.ocsf(
...     b'{"class_uid": 2002, "time": 1756684800000, "status_id": 1,'
...     b' "metadata": {"version": "1.5.0", "tenant_uid": "t-rbs"},'
...     b' "finding_info": {"uid": "f-1", "first_seen_time": 1754006400000},'
...     b' "device": {"uid": "pacs-01"},'
...     b' "vulnerabilities": [{"cve": {"uid": "CVE-2024-3400"}}]}',
...     as_of="2025-09-30", attribution={"tenant_uid": {"t-rbs": "RBS"}})
>>> out.findings[["organisation", "id", "first_seen"]].to_dict("records")
[{'organisation': 'RBS', 'id': 'pacs-01/CVE-2024-3400', 'first_seen': '2025-08-01'}]
>>> out.report["records_read"], out.report["records_used"]
(1, 1)
>>> rating = riskrating.rate(out.portfolio)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from ._riskrating import KevCatalog, Portfolio
from ._riskrating import ingest as _ingest
from ._riskrating import merge_evidence as _merge_evidence

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Ingested", "ocsf", "nessus", "read"]

Source = Union[str, bytes, "os.PathLike[str]"]


@dataclass(frozen=True)
class Ingested:
    """The result of an ingest: ``portfolio`` (evidence only, ready for ``riskrating.rate``, or
    to merge into your own document with :meth:`merge_into`), ``report`` (a dict) and the
    evidence as frames: ``findings``, ``metrics``, ``assessments`` (one row per item, with an
    ``organisation`` column)."""

    portfolio: Portfolio
    report: Dict[str, Any]

    def _frame(self, key: str) -> "pd.DataFrame":
        import pandas as pd

        rows: List[Dict[str, Any]] = []
        for org in self.portfolio.to_dict()["organisations"]:
            for item in org.get(key) or []:
                rows.append({"organisation": org["id"], **item})
        return pd.DataFrame(rows)

    @property
    def findings(self) -> "pd.DataFrame":
        """One row per finding."""
        return self._frame("findings")

    @property
    def metrics(self) -> "pd.DataFrame":
        """One row per metric observation."""
        return self._frame("metrics")

    @property
    def assessments(self) -> "pd.DataFrame":
        """One row per assessment."""
        return self._frame("assessments")

    def merge_into(self, document: Mapping[str, Any]) -> Dict[str, Any]:
        """``document`` (a portfolio dict) with this evidence appended to the organisations of
        the same id (added, evidence only, when missing)."""
        merged: Dict[str, Any] = _merge_evidence(dict(document), self.portfolio).to_dict()
        return merged


def _sources(sources: Iterable[Source], fmt: Optional[str]) -> List[Tuple[Any, ...]]:
    out: List[Tuple[Any, ...]] = []
    for s in sources:
        if isinstance(s, bytes):
            out.append(("data", fmt, None, s))
        elif isinstance(s, str) and s.lstrip()[:1] in ("{", "[", "<"):
            out.append(("data", fmt, None, s.encode()))
        else:
            path = os.fspath(s)
            out.append((path, fmt, path, None))
    return out


def read(
    *sources: Source,
    as_of: str,
    attribution: Optional[Mapping[str, Mapping[str, str]]] = None,
    kev: Optional[KevCatalog] = None,
    segmented_networks: Optional[Iterable[str]] = None,
    compliance_assurance: Optional[str] = None,
    limits: Optional[Mapping[str, int]] = None,
    format: Optional[str] = None,
) -> Ingested:
    """Ingest exports of either format (detected from each input's first bytes unless
    ``format`` is ``"ocsf"`` or ``"nessus"``). A ``str`` starting with ``{``, ``[`` or ``<`` is
    content; any other ``str`` or path-like is a file, streamed.

    ``attribution`` maps ``tenant_uid``, ``cloud_account_uid``, ``device_domain`` and
    ``nessus_report`` values to organisation ids; ``kev`` is a :class:`riskrating.KevCatalog`;
    ``segmented_networks`` the VLAN/subnet/zone ids of segmented medical-device networks.
    Raises :class:`riskrating.IngestError` for an input refused as a whole."""
    options: Dict[str, Any] = {"as_of": as_of}
    if attribution is not None:
        options["attribution"] = {k: dict(v) for k, v in attribution.items()}
    if segmented_networks is not None:
        options["segmented_networks"] = list(segmented_networks)
    if compliance_assurance is not None:
        options["compliance_assurance"] = compliance_assurance
    if limits is not None:
        options["limits"] = dict(limits)
    portfolio, report = _ingest(_sources(sources, format), json.dumps(options), kev)
    return Ingested(portfolio=portfolio, report=json.loads(report))


def ocsf(*sources: Source, as_of: str, **options: Any) -> Ingested:
    """Ingest OCSF 1.x events (JSON arrays or JSON lines). Options as for :func:`read`."""
    return read(*sources, as_of=as_of, format="ocsf", **options)


def nessus(*sources: Source, as_of: str, **options: Any) -> Ingested:
    """Ingest Nessus v2 (``.nessus``) exports. Options as for :func:`read`."""
    return read(*sources, as_of=as_of, format="nessus", **options)
