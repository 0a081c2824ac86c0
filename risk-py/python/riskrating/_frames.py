"""Building a portfolio document from pandas DataFrames shaped like analysts' spreadsheets.

Every frame has one row per item; item frames name their organisation in an ``organisation``
column; every other column is a field of the item as in the JSON document (section 1 of the
methodology). Empty cells (NaN, None, NaT) mean "absent". Every problem the engine finds is
reported with the frame, the row and the column it came from.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union

from ._exceptions import InputError
from ._riskrating import table_problem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ._riskrating import Methodology, Portfolio

__all__ = ["from_frames"]

_ITEM_FRAMES = ("assessments", "metrics", "findings", "dependencies")
_ATTESTATION = ("dspt_status", "cyber_essentials_plus", "incident_probability")
_COUNTS = ("successes", "trials")
_PATH = re.compile(
    r"^organisations\[(\d+)\](?:\.(\w+)(?:\[(\d+)\])?(?:\.(\w+))?)?"
)

# Where each organisation-level item came from: (frame, row label) per (org, list, position).
_Origin = Tuple[str, Any]


def _cell(value: Any, column: str) -> Any:
    """A cell as a JSON value, or ``_ABSENT`` for an empty cell."""
    if value is None:
        return _ABSENT
    if isinstance(value, float):
        if math.isnan(value):
            return _ABSENT
        if column in _COUNTS and value.is_integer():
            return int(value)
        return value
    # pandas.NaT, pandas.NA and NumPy NaN/NaT scalars.
    try:
        import pandas as pd

        if value is pd.NaT or value is pd.NA:
            return _ABSENT
        if isinstance(value, pd.Timestamp):
            return value.date().isoformat()
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        converted = item()
        if isinstance(converted, (_dt.date, _dt.datetime)) or converted is None:
            return _cell(converted, column)
        if isinstance(converted, int) and not isinstance(converted, bool):
            # NumPy datetime64 in nanoseconds arrives as an int: not a date we can read.
            if str(getattr(value, "dtype", "")).startswith("datetime64"):
                return _cell(None, column)
        return _cell(converted, column)
    return value


class _Absent:
    pass


_ABSENT = _Absent()


def _rows(frame: "pd.DataFrame", name: str) -> List[Tuple[Any, Dict[str, Any]]]:
    """(row label, {column: value}) for each row, empty cells dropped."""
    if not hasattr(frame, "columns") or not hasattr(frame, "itertuples"):
        raise TypeError(f"{name} must be a pandas DataFrame, not {type(frame).__name__}")
    columns = [str(c) for c in frame.columns]
    out = []
    for label, values in zip(frame.index, frame.itertuples(index=False, name=None)):
        row = {}
        for column, value in zip(columns, values):
            v = _cell(value, column)
            if v is not _ABSENT:
                row[column] = v
        out.append((label, row))
    return out


def _frame_error(code: str, message: str, frame: str, row: Any, column: Optional[str]) -> InputError:
    where = f"{frame} frame"
    if row is not None:
        where += f", row {row!r}"
    if column is not None:
        where += f", column {column!r}"
    text = f"{where}: {message} ({code})"
    problem = {"code": code, "path": "", "message": message, "frame": frame}
    if row is not None:
        problem["row"] = row
    if column is not None:
        problem["column"] = column
    err = InputError(text, code=code, path="", errors=[problem])
    return err


def from_frames(
    as_of: Union[str, _dt.date],
    organisations: "pd.DataFrame",
    assessments: Optional["pd.DataFrame"] = None,
    metrics: Optional["pd.DataFrame"] = None,
    findings: Optional["pd.DataFrame"] = None,
    dependencies: Optional["pd.DataFrame"] = None,
    methodology: Optional["Methodology"] = None,
) -> "Portfolio":
    """Build and check a :class:`Portfolio` from pandas DataFrames.

    ``organisations`` has one row per organisation: ``id`` (required), ``name``,
    ``peer_group``, and optionally the attestation columns ``dspt_status``,
    ``cyber_essentials_plus`` and ``incident_probability``. Each item frame has an
    ``organisation`` column naming the organisation's id, then the item's fields as in the JSON
    document (``control``, ``outcome``, ``assurance``, ``assessed_on``, ``source``;
    ``metric``, ``successes``, ``trials``, ``observed_on``; ``id``, ``kind``, ``cve``,
    ``cvss``, ``cvss_score``, ``epss``, ``kev``, ``internet_facing``, ``asset_criticality``,
    ``first_seen``, ``resolved_on``; ``supplier``, ``criticality``, ``access``). Dates may be
    strings, ``datetime.date`` or pandas timestamps; empty cells mean "absent".

    The document is checked against ``methodology`` (default: ``Methodology.default()``); an
    :class:`InputError` names the frame, the row label and the column of every problem (in each
    entry of ``.errors`` as ``frame``, ``row`` and ``column``, besides ``code`` and ``message``).

    >>> import pandas as pd
    >>> orgs = pd.DataFrame({"id": ["RBS", "SUP"], "peer_group": ["acute", "supplier"],
    ...                      "dspt_status": [None, "standards_met"]})
    >>> found = pd.DataFrame({"organisation": ["RBS"], "id": ["F-17"], "kind": ["vulnerability"],
    ...                       "cvss_score": [9.8], "first_seen": [pd.Timestamp("2025-08-01")]})
    >>> deps = pd.DataFrame({"organisation": ["RBS"], "supplier": ["SUP"],
    ...                      "criticality": ["critical"], "access": ["network"]})
    >>> p = riskrating.from_frames("2025-09-30", orgs, findings=found, dependencies=deps)
    >>> p
    Portfolio(as_of='2025-09-30', organisations=2)
    >>> riskrating.rate(p)["RBS"].basis
    'evidence'
    >>> bad = found.assign(kind=["volcano"])
    >>> riskrating.from_frames("2025-09-30", orgs, findings=bad)
    Traceback (most recent call last):
    ...
    riskrating.InputError: findings frame, row 0, column 'kind': unknown variant `volcano`, expected one of `vulnerability`, `misconfiguration`, `tls`, `exposed_service`, `email_security`, `malware_infection`, `credential_leak` (unknown_value)
    """
    from ._riskrating import Portfolio, validate

    if isinstance(as_of, (_dt.date, _dt.datetime)) or hasattr(as_of, "date"):
        as_of_text = _cell(as_of, "as_of")
    else:
        as_of_text = as_of

    orgs: List[Dict[str, Any]] = []
    org_rows: List[Any] = []
    position: Dict[str, int] = {}
    org_frame = _rows(organisations, "organisations")
    if len(organisations.columns) and "id" not in [str(c) for c in organisations.columns]:
        raise _frame_error(*table_problem("organisations", column="id"), "organisations", None, "id")
    for label, row in org_frame:
        org: Dict[str, Any] = {}
        attestation: Dict[str, Any] = {}
        for column, value in row.items():
            if column in _ATTESTATION:
                attestation[column] = value
            else:
                org[column] = value
        if attestation:
            org["attestation"] = attestation
        oid = org.get("id")
        if isinstance(oid, str) and oid not in position:
            position[oid] = len(orgs)
        orgs.append(org)
        org_rows.append(label)

    origins: Dict[Tuple[int, str, int], _Origin] = {}
    frames = dict(
        assessments=assessments, metrics=metrics, findings=findings, dependencies=dependencies
    )
    for name in _ITEM_FRAMES:
        frame = frames[name]
        if frame is None:
            continue
        if "organisation" not in [str(c) for c in frame.columns]:
            raise _frame_error(*table_problem(name, column="organisation"), name, None, "organisation")
        for label, row in _rows(frame, name):
            oid = row.pop("organisation", None)
            if oid not in position:
                raise _frame_error(
                    *table_problem(name, organisation=str(oid)), name, label, "organisation"
                )
            i = position[oid]
            items = orgs[i].setdefault(name, [])
            origins[(i, name, len(items))] = (name, label)
            items.append(row)

    document = {"as_of": as_of_text, "organisations": orgs}
    try:
        portfolio = Portfolio(document)
        validate(portfolio, methodology)
    except InputError as e:
        raise _locate(e, org_rows, origins) from None
    return portfolio


def _locate(
    e: InputError, org_rows: List[Any], origins: Dict[Tuple[int, str, int], _Origin]
) -> InputError:
    """The same problems, each located by frame, row and column."""
    located = []
    for p in e.errors:
        frame, row, column = _where(p["path"], p.get("field"), org_rows, origins)
        q = dict(p, frame=frame)
        if row is not None:
            q["row"] = row
        if column is not None:
            q["column"] = column
        located.append(q)
    first = located[0]
    where = f"{first['frame']} frame" if first["frame"] != "as_of" else "as_of argument"
    if "row" in first:
        where += f", row {first['row']!r}"
    if "column" in first:
        where += f", column {first['column']!r}"
    # The core's message says what is wrong; the place in the generated JSON text (its
    # `line`/`column`) means nothing to someone holding frames, so it is left out.
    text = f"{where}: {first['message']} ({first['code']})"
    more = len(located) - 1 + e.omitted
    if more:
        text += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(text, code=e.code, path=e.path, errors=located, omitted=e.omitted)


def _where(
    path: str,
    named: Optional[str],
    org_rows: List[Any],
    origins: Dict[Tuple[int, str, int], _Origin],
) -> Tuple[str, Any, Optional[str]]:
    """Frame, row label and column of a problem, from its path (and the field the core names)."""
    if path == "as_of" or path == "":
        return ("as_of" if path == "as_of" else "organisations", None, None)
    m = _PATH.match(path)
    if not m:
        return ("organisations", None, None)
    i, field, j, sub = int(m.group(1)), m.group(2), m.group(3), m.group(4)
    if field in _ITEM_FRAMES and j is not None:
        frame, row = origins.get((i, field, int(j)), (field, None))
        column = sub or named
        return (frame, row, column)
    row = org_rows[i] if i < len(org_rows) else None
    if field == "attestation":
        return ("organisations", row, sub or named)
    return ("organisations", row, field or named)
