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
