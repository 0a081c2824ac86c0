"""Serialising Python values to JSON text for the Rust parser (used by the native module)."""

from __future__ import annotations

import datetime as _dt
import json
import math
from typing import Any, List

from ._riskrating import unwritable_error

__all__ = ["dumps"]


def _default(value: Any) -> Any:
    # Dates and datetimes as ISO dates; NumPy/pandas scalars as Python scalars.
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return item()
        except (TypeError, ValueError):
            pass
    raise TypeError(type(value).__name__)


def _find(value: Any, path: str, bad: List[str]) -> None:
    # Locate the first non-finite float or unserialisable value, as a JSON path.
    if bad:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            _find(v, f"{path}.{k}" if path else str(k), bad)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _find(v, f"{path}[{i}]", bad)
    elif isinstance(value, float) and not math.isfinite(value):
        bad.append(path)
    elif value is not None and not isinstance(value, (str, int, float, bool)):
        try:
            converted = _default(value)
        except TypeError:
            bad.append(path)
        else:
            _find(converted, path, bad)


def dumps(document: Any, root: str = "", ascii: bool = False) -> str:
    """JSON text of a document given as Python values (dicts, lists, str, numbers, dates).

    A NaN or infinity, or a value JSON cannot hold, is an :class:`InputError` naming its path
    (below ``root``, the name of the argument, when the value is part of a larger document).
    ``ascii=True`` escapes every non-ASCII character (``\\ud800`` for a lone surrogate, which
    has no UTF-8 form: the Rust parser then names its path).

    >>> from riskrating._convert import dumps
    >>> dumps({"as_of": datetime.date(2025, 9, 30), "organisations": []})
    '{"as_of": "2025-09-30", "organisations": []}'
    >>> dumps({"organisations": [{"metrics": [{"trials": float("nan")}]}]})
    Traceback (most recent call last):
    ...
    riskrating.InputError: organisations[0].metrics[0].trials: not a finite number (invalid_number)
    """
    try:
        return json.dumps(document, allow_nan=False, default=_default, ensure_ascii=ascii)
    except (ValueError, TypeError) as e:
        bad: List[str] = []
        _find(document, root, bad)
        path = bad[0] if bad else ""
        if not bad:
            raise unwritable_error(root, detail=str(e)) from None
        if isinstance(e, ValueError):
            raise unwritable_error(path) from None
        raise unwritable_error(path, type_name=str(e)) from None
