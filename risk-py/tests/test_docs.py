"""Docstrings: every public object has one, and every example in them runs (doctest)."""

from __future__ import annotations

import datetime
import doctest
import inspect
import types
from typing import Any, Dict, Iterator, List, Tuple

import pytest

import riskrating


def _modules() -> List[types.ModuleType]:
    import importlib

    names = ["riskrating", "riskrating._riskrating", "riskrating._exceptions",
             "riskrating._convert", "riskrating._frames", "riskrating._html",
             "riskrating.calibration"]
    for extra in ("riskrating.plot", "riskrating.quant", "riskrating.ingest"):
        try:
            names.append(importlib.import_module(extra).__name__)
        except ImportError:
            pass
    return [importlib.import_module(n) for n in names]


def _objects() -> Iterator[Tuple[str, Any]]:
    seen = set()
    for mod in _modules():
        yield mod.__name__, mod
        for name in getattr(mod, "__all__", [n for n in vars(mod) if not n.startswith("_")]):
            obj = getattr(mod, name)
            if id(obj) in seen or not (inspect.isclass(obj) or callable(obj)):
                continue
            seen.add(id(obj))
            yield f"{mod.__name__}.{name}", obj
            if inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    if attr.startswith("__") or (attr.startswith("_") and attr != "_repr_html_"):
                        continue
                    yield f"{mod.__name__}.{name}.{attr}", value


OBJECTS = list(_objects())
GLOBS: Dict[str, Any] = {"riskrating": riskrating, "datetime": datetime}


def _doc(obj: Any) -> str:
    return getattr(obj, "__doc__", None) or ""


@pytest.mark.parametrize("name, obj", OBJECTS, ids=[n for n, _ in OBJECTS])
def test_docstring_examples_run(name: str, obj: Any) -> None:
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(obj, name=name, globs=dict(GLOBS), module=False):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"


def test_every_public_object_is_documented() -> None:
    missing = [n for n, o in OBJECTS
               if not isinstance(o, (staticmethod, classmethod)) and not _doc(o).strip()]
    assert missing == []


def test_there_are_many_examples() -> None:
    finder = doctest.DocTestFinder(recurse=False)
    count = sum(len(t.examples) for _, o in OBJECTS for t in finder.find(o, name="x", globs={}, module=False))
    assert count >= 50, count
