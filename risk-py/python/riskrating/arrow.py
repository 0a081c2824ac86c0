"""Arrow in and out: evidence as long tables (one row per organisation / assessment / metric /
finding / dependency / group membership, keyed by ``organisation``) and the rating as a ``pyarrow.Table``.

Tables may be ``pyarrow`` tables or record batches, pandas frames, or anything exposing the Arrow
PyCapsule interface (``__arrow_c_stream__``: polars, pandas-with-Arrow, DuckDB results…). Table
and column names, types, defaults and every error come from the engine
(:func:`riskrating.table_schema`); this module only converts columns.

Why NumPy/pyarrow and not pyo3-arrow/arrow-rs: the native module already moves numbers as NumPy
buffers (which pyarrow wraps without a copy), pyo3-arrow pins a PyO3 version (ours is 0.30) and
arrow-rs would add dozens of crates and minutes of build to every wheel on a 2-core CI, for a
conversion that costs a small share of the rating itself (see BENCHMARKS.md, "Spark").
"""

from __future__ import annotations

import importlib
from typing import Any, Dict, List, Optional

from ._riskrating import (
    Methodology,
    Portfolio,
    PortfolioRating,
    _rate_from_internal_arrow,
    portfolio_from_tables,
    portfolio_to_tables,
    table_schema,
)

__all__ = [
    "to_arrow_table",
    "portfolio_from_arrow",
    "portfolio_to_arrow",
    "rate_from_internal_arrow",
    "rating_to_arrow",
    "tables_to_lists",
]

_ARROW_TYPES = {"text": "string", "date": "string", "number": "float64", "integer": "int64", "flag": "bool"}


def _pa() -> Any:
    # Imported when used (pyarrow is optional), by name so that type checkers without pyarrow's
    # stubs still check this module.
    return importlib.import_module("pyarrow")


def to_arrow_table(data: Any) -> Any:
    """``data`` (a pyarrow Table/RecordBatch, a pandas frame, or any ``__arrow_c_stream__``
    exporter) as a ``pyarrow.Table``."""
    pa = _pa()
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if hasattr(data, "__arrow_c_stream__"):
        return pa.table(data)
    import pandas

    if isinstance(data, pandas.DataFrame):
        return pa.Table.from_pandas(data, preserve_index=False)
    raise TypeError(f"expected an Arrow table, a pandas DataFrame or an __arrow_c_stream__ exporter, got {type(data).__name__}")


def tables_to_lists(tables: Dict[str, Any]) -> Dict[str, Dict[str, List[Any]]]:
    """Tables as ``{table: {column: [values]}}``, each column cast to the engine's type for it
    (dates to ``YYYY-MM-DD`` text). Columns the engine does not know are passed on by name (it
    reports them)."""
    pa = _pa()
    types = {t: {c: ty for c, ty, _ in cols} for t, cols in table_schema()}
    out: Dict[str, Dict[str, List[Any]]] = {}
    for name, data in tables.items():
        if data is None:
            continue
        t = to_arrow_table(data)
        cols: Dict[str, List[Any]] = {}
        for cname in t.column_names:
            col = t.column(cname)
            ty = types.get(name, {}).get(cname)
            if ty is not None:
                if ty == "date" and pa.types.is_temporal(col.type):
                    col = col.cast(pa.date32()).cast(pa.string())
                else:
                    col = col.cast(_ARROW_TYPES[ty])
            cols[cname] = col.to_pylist()
        out[name] = cols
    return out


def portfolio_from_arrow(
    as_of: str,
    organisations: Any,
    *,
    assessments: Any = None,
    metrics: Any = None,
    findings: Any = None,
    dependencies: Any = None,
    groups: Any = None,
    methodology: Optional[Methodology] = None,
) -> Portfolio:
    """A :class:`Portfolio` from long tables (see the module documentation). Bad rows raise
    :class:`riskrating.InputError` at ``table[row].column`` naming the organisation."""
    lists = tables_to_lists(
        {
            "organisations": organisations,
            "assessments": assessments,
            "metrics": metrics,
            "findings": findings,
            "dependencies": dependencies,
            "groups": groups,
        }
    )
    return portfolio_from_tables(str(as_of), lists, methodology)


def portfolio_to_arrow(portfolio: Portfolio) -> Dict[str, Any]:
    """The long tables of a portfolio, as ``{table: pyarrow.Table}`` (dates as text)."""
    pa = _pa()
    types = {t: {c: ty for c, ty, _ in cols} for t, cols in table_schema()}
    out: Dict[str, Any] = {}
    for name, cols in portfolio_to_tables(portfolio).items():
        out[name] = pa.table({c: pa.array(v, type=_ARROW_TYPES[types[name][c]]) for c, v in cols.items()})
    return out


def rating_to_arrow(result: PortfolioRating) -> Any:
    """The rating as a ``pyarrow.Table``: the columns of :meth:`PortfolioRating.to_frame`, the
    numbers taken from its NumPy buffers without a copy."""
    pa = _pa()
    return pa.Table.from_pandas(result.to_frame(), preserve_index=False)


def _text_chunks(column: Any, name: str) -> List[Any]:
    """An Arrow string column (array or chunked array; ``string``, ``large_string`` or
    ``string_view``) as the buffers of its chunks, viewed as NumPy arrays without a copy:
    ``[(offsets, data, validity or None, offset, length), …]``. The engine checks the layout."""
    pa = _pa()
    np = importlib.import_module("numpy")
    if isinstance(column, pa.Array):
        column = pa.chunked_array([column])
    if not isinstance(column, pa.ChunkedArray):
        raise TypeError(f"{name}: expected a pyarrow Array or ChunkedArray, got {type(column).__name__}")
    if pa.types.is_string_view(column.type):
        column = column.cast(pa.large_string())
    if pa.types.is_string(column.type):
        width = np.int32
    elif pa.types.is_large_string(column.type):
        width = np.int64
    else:
        raise TypeError(f"{name}: expected an Arrow string column, got {column.type}")
    chunks = []
    for chunk in column.chunks:
        validity, offsets, data = chunk.buffers()[:3]
        chunks.append(
            (
                np.frombuffer(offsets, dtype=width),
                np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8),
                np.frombuffer(validity, dtype=np.uint8) if validity is not None else None,
                chunk.offset,
                len(chunk),
            )
        )
    return chunks


def rate_from_internal_arrow(
    graph: Portfolio, organisation: Any, internal: Any, methodology: Optional[Methodology] = None
) -> PortfolioRating:
    """:func:`riskrating.rate_from_internal` from Arrow: ``organisation`` and ``internal`` are
    string columns of the same length (``pyarrow`` arrays or chunked arrays, e.g. the two
    columns of the per-organisation job in :mod:`riskrating.spark`), row *k* holding an
    organisation's id and its per-organisation result (the JSON text of
    :func:`riskrating.rate_internal`). The engine reads the results straight from the Arrow
    buffers, without a Python string per row; the rating equals
    :func:`riskrating.rate_from_internal` of the same texts bit for bit. A bad row raises
    :class:`riskrating.InputError` at ``internal[k]`` naming the row's organisation."""
    return _rate_from_internal_arrow(
        graph, _text_chunks(organisation, "organisation"), _text_chunks(internal, "internal"), methodology
    )
