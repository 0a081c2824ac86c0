"""Large documents given as JSON text, bytes or a path go straight to the Rust parser: rating
them creates no per-item Python objects (tracemalloc sees Python heap allocations only; the
engine's own memory is not Python's).

- bytes and paths: nothing of the document's size is allocated on the Python heap;
- str: exactly one flat UTF-8 copy of the text (the stable ABI for Python 3.9 has no way to
  borrow a str's UTF-8 buffer), never anything per organisation or finding;
- the control: a dict is first serialised to JSON text in Python, which the tracer sees.
"""

from __future__ import annotations

import json
import tracemalloc
from typing import Callable

import riskrating


def _python_peak(call: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_bytes_and_paths_allocate_nothing_on_the_python_heap(large_text, large_path):
    size = len(large_text)
    assert size > 10_000_000
    data = large_text.encode()
    for doc in (data, large_path, str(large_path)):
        peak = _python_peak(lambda: riskrating.rate(doc))
        assert peak < 100_000, (type(doc), peak)


def test_text_costs_one_flat_copy_at_most(large_text):
    size = len(large_text.encode())
    peak = _python_peak(lambda: riskrating.rate(large_text))
    assert peak < size + 100_000, peak


def test_a_dict_is_serialised_in_python(large_text):
    as_dict = json.loads(large_text)
    as_dict["organisations"] = as_dict["organisations"][:300]  # tracing json.dumps is slow
    assert _python_peak(lambda: riskrating.rate(as_dict)) > len(json.dumps(as_dict))
