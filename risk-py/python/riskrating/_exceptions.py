"""The exception hierarchy of riskrating.

Every error the engine reports is a :class:`RiskError`; each carries a machine-readable
``code``, the JSON ``path`` of the (first) offending item, and ``errors``: every problem found,
each a dict with ``code``, ``path``, ``field`` and ``message``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ._riskrating import error_codes as _error_codes

__all__ = [
    "ERROR_CODES",
    "RiskError",
    "InputError",
    "FeedError",
    "MethodologyError",
    "SimulationError",
    "IngestError",
    "CalibrationError",
]

ERROR_CODES: Tuple[str, ...] = tuple(sorted(_error_codes()))
"""Every code an error can carry (``RiskError.code`` and each ``errors[i]["code"]``), sorted.
Read from the engine (``risk_core::error::error_codes``), which owns the list: no code is
spelled in the binding."""


class RiskError(Exception):
    """Base class of every error riskrating raises.

    >>> try:
    ...     riskrating.rate({"as_of": "2025-13-01", "organisations": []})
    ... except riskrating.RiskError as e:
    ...     print(type(e).__name__, e.code, repr(e.path))
    InputError invalid_date 'as_of'
    """

    code: str
    """Machine-readable code of the (first) problem, e.g. ``unknown_field``."""
    path: str
    """JSON path of the (first) problem, e.g. ``organisations[3].findings[0].cvss``."""
    errors: List[Dict[str, Any]]
    """Every problem found, as the engine lists them: dicts with ``code``, ``path``, ``field``
    (the last field name of the path, or ``None``) and ``message`` (plus ``line`` and ``column``
    when the parser knows them)."""
    omitted: int
    """How many further problems were found but not listed in ``errors``."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        path: str = "",
        errors: Optional[List[Dict[str, Any]]] = None,
        omitted: int = 0,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.path = path
        self.errors = (
            list(errors)
            if errors is not None
            else [{"code": code, "path": path, "message": message}]
        )
        self.omitted = omitted

    def __reduce__(self) -> Any:
        return (
            _rebuild,
            (type(self), str(self), self.code, self.path, self.errors, self.omitted),
        )


def _rebuild(
    cls: type,
    message: str,
    code: str,
    path: str,
    errors: List[Dict[str, Any]],
    omitted: int,
) -> RiskError:
    err: RiskError = cls(message, code=code, path=path, errors=errors, omitted=omitted)
    return err


class InputError(RiskError, ValueError):
    """An input document (portfolio, action, frame) was rejected.

    Also a :class:`ValueError`. ``errors`` lists every problem found (the semantic checks report
    all of them at once), in document order.

    >>> doc = {"as_of": "2025-09-30", "organisations": [
    ...     {"id": "A", "dependencies": [{"supplier": "NOPE", "criticality": "high", "access": "data"}]},
    ...     {"id": "A"}]}
    >>> try:
    ...     riskrating.rate(doc)
    ... except riskrating.InputError as e:
    ...     for p in e.errors:
    ...         print(p["code"], p["path"])
    duplicate_organisation organisations[1].id
    unknown_supplier organisations[0].dependencies[0].supplier
    """


class FeedError(InputError):
    r"""A threat feed (the KEV catalogue or an EPSS file) was rejected.

    ``feed`` is ``"kev"`` or ``"epss"``; ``line`` (1-based) and ``field`` say where when known;
    ``path`` is the place in words (``line 17, field epss``, or a KEV JSON path); ``code`` says
    what (``not_a_probability``, ``invalid_cve_id``, ``duplicate_cve``, ``compressed``, …).

    >>> try:
    ...     riskrating.EpssScores.from_csv("cve,epss,percentile\nCVE-2024-3400,0.5\n")
    ... except riskrating.FeedError as e:
    ...     print(e.feed, e.line, e.code)
    epss 2 field_count
    """

    feed: str
    """``kev`` or ``epss``."""
    line: Optional[int]
    """1-based line of the problem, when known."""
    field: Optional[str]
    """The EPSS column or KEV field, when known."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.feed = ""
        self.line = None
        self.field = None

    def __reduce__(self) -> Any:
        return (
            _rebuild_feed,
            (str(self), self.code, self.path, self.errors, self.feed, self.line, self.field),
        )


def _rebuild_feed(
    message: str,
    code: str,
    path: str,
    errors: List[Dict[str, Any]],
    feed: str,
    line: Optional[int],
    field: Optional[str],
) -> "FeedError":
    err = FeedError(message, code=code, path=path, errors=errors)
    err.feed, err.line, err.field = feed, line, field
    return err


class MethodologyError(RiskError):
    """A methodology was rejected; ``errors`` lists every problem, each naming its field."""


class SimulationError(RiskError):
    """A loss simulation could not run (an invalid scenario, distribution or parameter)."""


class CalibrationError(InputError):
    """Calibration (calibration-v1) rejected an incident or configuration document, or the fit
    failed.

    ``category`` is the spec's category (also ``code``): ``unknown_organisation``,
    ``no_convergence``, …; ``document`` is ``"incidents"``, ``"config"`` or ``"fit"``; ``path`` is
    the JSON path inside that document (empty for a fit error).
    """

    category: str
    """The spec's category, e.g. ``unknown_organisation``."""
    document: str
    """``incidents``, ``config`` or ``fit``."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.category = self.code
        self.document = ""

    def __reduce__(self) -> Any:
        return (
            _rebuild_calibration,
            (str(self), self.code, self.path, self.errors, self.category, self.document),
        )


def _rebuild_calibration(
    message: str,
    code: str,
    path: str,
    errors: List[Dict[str, str]],
    category: str,
    document: str,
) -> "CalibrationError":
    err = CalibrationError(message, code=code, path=path, errors=errors)
    err.category, err.document = category, document
    return err


for _cls in (
    RiskError,
    InputError,
    FeedError,
    MethodologyError,
    SimulationError,
    CalibrationError,
):
    _cls.__module__ = "riskrating"


class IngestError(InputError):
    """A telemetry export (OCSF events, a Nessus file) was refused as a whole.

    Problems with single records do not raise: they are listed in the ingest report. This is for
    an input that cannot be read on: malformed or truncated framing (``malformed_json``,
    ``malformed_xml``), a size or nesting limit (``limit_exceeded``), hostile XML
    (``xml_dtd_refused``, ``xml_undefined_entity``), or not a Nessus file (``not_nessus``).
    ``source`` names the input, ``record`` (0-based) and ``line`` (1-based) say where when known,
    ``path`` is the JSON path (``[12]``) or XML element path.

    >>> try:
    ...     riskrating.ingest.nessus(b"<!DOCTYPE x [<!ENTITY a 'b'>]><NessusClientData_v2/>",
    ...                              as_of="2025-09-30")
    ... except riskrating.IngestError as e:
    ...     print(e.code, e.source, e.line)
    xml_dtd_refused data 1
    """

    source: str
    record: Optional[int]
    line: Optional[int]
