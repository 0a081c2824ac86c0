"""Resource limits through the Python API (issue 14): ``limits=`` on ``rate``, ``validate`` and
``PreparedPortfolio``, read and checked by the core (names, defaults, value checks)."""

from __future__ import annotations

import json

import pytest

import riskrating
from riskrating import InputError


def _doc(n: int) -> dict:
    """One organisation with ``n`` findings and a supplier it depends on."""
    return {
        "as_of": "2025-09-30",
        "organisations": [
            {
                "id": "A",
                "findings": [
                    {"id": f"F{i}", "kind": "exposed_service", "first_seen": "2025-09-01"} for i in range(n)
                ],
                "dependencies": [{"supplier": "B", "criticality": "high", "access": "data"}],
            },
            {"id": "B"},
        ],
    }


CALLS = {
    "rate": lambda d, limits: riskrating.rate(d, limits=limits),
    "validate": lambda d, limits: riskrating.validate(d, limits=limits),
    "PreparedPortfolio": lambda d, limits: riskrating.PreparedPortfolio(d, limits=limits),
}


def test_default_limits_are_the_engines():
    assert riskrating.default_limits() == {
        "max_document_bytes": 2 << 30,
        "max_organisations": 1_000_000,
        "max_items_per_list": 2_000_000,
        "max_dependency_edges": 10_000_000,
        "max_string_bytes": 4096,
    }


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
@pytest.mark.parametrize("form", ["dict", "json", "portfolio", "path"])
def test_a_list_over_a_lowered_limit_fails_at_its_path(call, form, tmp_path):
    d = _doc(4)
    if form == "json":
        d = json.dumps(d)
    elif form == "portfolio":
        d = riskrating.Portfolio(d)
    elif form == "path":
        path = tmp_path / "doc.json"
        path.write_text(json.dumps(d))
        d = path
    with pytest.raises(InputError) as e:
        call(d, {"max_items_per_list": 3})
    assert (e.value.code, e.value.path) == ("limit_exceeded", "organisations[0].findings")
    # At the limit and with the defaults it passes.
    call(d, {"max_items_per_list": 4})
    call(d, None)
    call(d, {})


def test_the_same_document_rates_the_same_under_any_limits_it_fits():
    d = _doc(4)
    base = riskrating.rate(d).to_json()
    assert riskrating.rate(d, limits={"max_items_per_list": 4}).to_json() == base
    assert riskrating.PreparedPortfolio(d, limits='{"max_organisations": 2}').rate().to_json() == base


def test_every_limit_is_applied():
    d = _doc(2)
    text = json.dumps(d)
    n = len(text.encode())
    for form in (text, text.encode()):
        with pytest.raises(InputError) as e:
            riskrating.rate(form, limits={"max_document_bytes": n - 1})
        assert (e.value.code, e.value.path) == ("limit_exceeded", "")
        riskrating.validate(form, limits={"max_document_bytes": n})
    with pytest.raises(InputError) as e:
        riskrating.validate(d, limits={"max_organisations": 1})
    assert (e.value.code, e.value.path) == ("limit_exceeded", "organisations")
    with pytest.raises(InputError) as e:
        riskrating.validate(d, limits={"max_dependency_edges": 0})
    assert (e.value.code, e.value.path) == ("limit_exceeded", "organisations")
    d["organisations"][0]["findings"][1]["id"] = "F-0123456789"  # 12 bytes; "unassigned" is 10
    with pytest.raises(InputError) as e:
        riskrating.validate(d, limits={"max_string_bytes": 11})
    assert (e.value.code, e.value.path) == ("limit_exceeded", "organisations[0].findings[1].id")
    riskrating.validate(d, limits={"max_string_bytes": 12, "max_organisations": 2, "max_dependency_edges": 1})


def test_a_limit_beyond_the_address_space_is_no_limit():
    riskrating.validate(_doc(3), limits={"max_items_per_list": 2**70, "max_document_bytes": 1e300})


@pytest.mark.parametrize(
    "limits, code, path",
    [
        ({"max_items_per_list": -1}, "invalid_count", "limits.max_items_per_list"),
        ({"max_items_per_list": 1.5}, "invalid_count", "limits.max_items_per_list"),
        ({"max_items_per_list": "10"}, "wrong_type", "limits.max_items_per_list"),
        ({"max_items_per_list": None}, "wrong_type", "limits.max_items_per_list"),
        ({"max_items_per_list": True}, "wrong_type", "limits.max_items_per_list"),
        ({"max_items": 10}, "unknown_field", "limits.max_items"),
        ({"max_items_per_list": float("nan")}, "invalid_number", "limits.max_items_per_list"),
        ([1, 2], "wrong_type", "limits"),
        (42, "wrong_type", "limits"),
        ("{not json", "malformed_json", "limits"),
    ],
)
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_bad_limits_are_input_errors_at_their_path(call, limits, code, path):
    with pytest.raises(InputError) as e:
        call(_doc(1), limits)
    assert isinstance(e.value, ValueError)
    assert (e.value.code, e.value.path) == (code, path)


def test_every_bad_limit_is_listed():
    with pytest.raises(InputError) as e:
        riskrating.rate(_doc(1), limits={"max_items": 1, "max_string_bytes": -2})
    assert [p["path"] for p in e.value.errors] == ["limits.max_items", "limits.max_string_bytes"]
