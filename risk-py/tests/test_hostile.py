"""Issue 7's hostile inputs through the Python binding: each is a typed InputError, never a crash."""

from __future__ import annotations

import math

import pytest

import riskrating
from riskrating import InputError

FINDING = '{"id": "F", "kind": "tls", "first_seen": "2025-01-01", "epss": %s}'


def _text(finding_epss: str = "0.5", org_id: str = "A") -> str:
    return (
        '{"as_of": "2025-09-30", "organisations": [{"id": "%s", "findings": [%s]}]}'
        % (org_id, FINDING % finding_epss)
    )


def _raises(document, code: str, path: str | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        riskrating.rate(document)
    assert info.value.code == code, info.value
    if path is not None:
        assert info.value.path == path, info.value
    return info.value


def test_deep_nesting_is_a_typed_error_not_a_stack_overflow():
    deep = '{"as_of": "2025-09-30", "organisations": ' + "[" * 10_000 + "]" * 10_000 + "}"
    err = _raises(deep, "wrong_type")
    assert err.path.startswith("organisations")
    # Nesting inside an object field the format does not have: rejected, not recursed into.
    deep_unknown = '{"as_of": "2025-09-30", "x": ' + "[" * 10_000 + "]" * 10_000 + ', "organisations": []}'
    with pytest.raises(InputError):
        riskrating.rate(deep_unknown)


@pytest.mark.parametrize("number", ["1e400", "-1e400"])
def test_numbers_a_double_cannot_hold(number):
    _raises(_text(number), "invalid_probability", "organisations[0].findings[0].epss")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_from_python_objects(value):
    doc = {
        "as_of": "2025-09-30",
        "organisations": [{"id": "A", "findings": [{"id": "F", "kind": "tls", "first_seen": "2025-01-01", "epss": value}]}],
    }
    with pytest.raises(InputError) as info:
        riskrating.rate(doc)
    assert info.value.code in {"invalid_probability", "invalid_number", "malformed_json"}, info.value


def test_very_long_strings_hit_the_limit():
    _raises(_text(org_id="A" * 5000), "limit_exceeded", "organisations[0].id")


def test_duplicate_keys():
    _raises('{"as_of": "2025-09-30", "as_of": "2025-09-30", "organisations": []}', "duplicate_key", "as_of")


def test_byte_order_mark_is_accepted():
    result = riskrating.rate(b"\xef\xbb\xbf" + _text().encode())
    assert len(result) == 1


@pytest.mark.parametrize("payload", [b"\xff\xfe\xfd", _text().encode()[:-5] + b"\xc3\x28" + b"]}]}"])
def test_invalid_utf8(payload):
    _raises(payload, "invalid_encoding", "")


# Lone surrogates: a Python str may hold one ("\ud800"), UTF-8 cannot. In a dict document it is
# an InputError (invalid_encoding, from the core) at the path of the key or value holding it,
# not a UnicodeEncodeError.
_FINDING = {"id": "F", "kind": "tls", "first_seen": "2025-01-01"}


@pytest.mark.parametrize(
    "surrogate, where, path",
    [
        ("\ud800", "value", "organisations[0].findings[0].id"),
        ("\udfff", "value", "organisations[0].findings[0].id"),
        ("x\ud800y", "value", "organisations[0].name"),
        ("\ud800", "key", "organisations[0].findings[0]"),
        ("\udc00", "key", "organisations[0]"),
    ],
)
def test_lone_surrogate_in_a_dict_is_an_input_error_at_its_path(surrogate, where, path):
    org = {"id": "A", "findings": [dict(_FINDING)]}
    depth = path.count(".")
    if where == "value" and path.endswith(".id"):
        org["findings"][0]["id"] = surrogate
    elif where == "value":
        org["name"] = surrogate
    elif depth == 1:  # a key of the finding
        org["findings"][0][surrogate] = 1
    else:  # a key of the organisation
        org[surrogate] = 1
    document = {"as_of": "2025-09-30", "organisations": [org]}
    err = _raises(document, "invalid_encoding", path)
    assert isinstance(err, ValueError)
    # Every document entry point converts the same way.
    with pytest.raises(InputError) as info:
        riskrating.Portfolio(document)
    assert (info.value.code, info.value.path) == ("invalid_encoding", path)


def test_lone_surrogate_in_json_text_is_an_input_error():
    _raises(_text(org_id="A\ud800"), "invalid_encoding", "")


def test_lone_surrogate_in_scenarios_and_actions_is_a_typed_error():
    with pytest.raises(riskrating.SimulationError) as info:
        riskrating.quant.simulate([{"name": "\ud800", "frequency": {"lef": 1}, "primary_loss": 1}], n=10)
    assert info.value.code == "invalid_encoding"
    assert info.value.path.endswith("[0].name"), info.value
    p = riskrating.Portfolio({"as_of": "2025-09-30", "organisations": [{"id": "A"}]})
    with pytest.raises(riskrating.RiskError) as info:
        riskrating.what_if(p, "A", {"action": "resolve_finding", "finding": "F\ud800"})
    assert info.value.code == "invalid_encoding", info.value


# Memory pressure: a subprocess builds a large rating, then lowers its address-space limit
# (RLIMIT_AS) to what it uses now plus a slack in units of the JSON text's length L, and asks
# for the text (to_json) or the dict (to_dict). Out of memory must be MemoryError (an Exception),
# never PanicException (a BaseException from a null PyObject pointer) nor an abort.
_MEMORY_SCRIPT = r"""
import ctypes, gc, resource, sys
# A fixed mmap threshold (glibc M_MMAP_THRESHOLD = -3): large blocks are mapped, and unmapped
# when freed, so the address space measured below is what is in use.
ctypes.CDLL(None).mallopt(-3, 1 << 20)
import riskrating

n, method, slack = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rating = riskrating.rate(riskrating.sample_portfolio(n, seed=3))
length = len(rating.to_json())
gc.collect()
page = resource.getpagesize()
used = int(open("/proc/self/statm").read().split()[0]) * page
# "rust": the Rust buffer of the text fits (it grows by doubling to `capacity`; realloc moves
# the mapping), the Python str copied from it does not (capacity + length): the window of the
# reported PanicException. "none": not even the Rust buffer fits.
capacity = 128
while capacity < length:
    capacity *= 2
assert length > 0.8 * capacity, (length, capacity)  # a wide window: n is chosen for it
extra = int(1.1 * capacity) if slack == "rust" else length // 2
resource.setrlimit(resource.RLIMIT_AS, (used + extra, used + extra))
try:
    getattr(rating, method)()
except BaseException as e:  # PanicException is a BaseException
    print(type(e).__name__, flush=True)
else:
    print("no error", flush=True)
"""

# 11,000 organisations: about 31 MB of JSON, 0.93 of a 32 MiB buffer; ~1.5 s a run.
_MEMORY_N = 11_000


@pytest.mark.parametrize("method", ["to_json", "to_dict"])
@pytest.mark.parametrize("slack", ["rust", "none"])
def test_out_of_memory_is_memory_error_not_a_panic(method, slack):
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", _MEMORY_SCRIPT, str(_MEMORY_N), method, slack],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (run.returncode, run.stdout.strip()) == (0, "MemoryError"), run.stderr[-2000:]
    assert "PanicException" not in run.stderr
