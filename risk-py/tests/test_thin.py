"""The binding is thin: error codes, defaults and checks come from the engine, and a prepared
portfolio answers every question the module-level functions answer."""

from __future__ import annotations

import pytest

import riskrating
from riskrating import InputError, MethodologyError, SimulationError
from riskrating._riskrating import error_codes


def test_error_codes_are_the_engines():
    # `ErrorCode` (the Literal the stubs and users see) lists exactly the engine's codes.
    assert list(riskrating.ERROR_CODES) == sorted(riskrating.ERROR_CODES)
    assert set(riskrating.ERROR_CODES) == set(error_codes())


def test_problems_carry_code_path_field_and_message(small):
    doc = dict(small, organisations=[dict(small["organisations"][0], colour=1)])
    with pytest.raises(InputError) as info:
        riskrating.rate(doc)
    p = info.value.errors[0]
    assert (p["code"], p["path"], p["field"]) == ("unknown_field", "organisations[0].colour", "colour")
    assert " at line " not in p["message"] and p["line"] == 1
    assert p["code"] in riskrating.ERROR_CODES


def test_simulation_errors_come_through_the_one_table():
    with pytest.raises(SimulationError) as info:
        riskrating.quant.simulate([{"name": "a", "frequency": {"lef": 1}, "primary_loss": 1, "extra": 2}])
    assert (info.value.code, info.value.path) == ("unknown_field", "scenarios[0].extra")
    with pytest.raises(SimulationError) as info:
        riskrating.quant.simulate([{"name": "a", "frequency": {"lef": 1}, "primary_loss": 1}], mode="fast")
    assert (info.value.code, info.value.path) == ("invalid_option", "mode")


def test_levels_out_of_range_are_errors_everywhere():
    sim = riskrating.quant.simulate([{"name": "a", "frequency": {"lef": 1}, "primary_loss": 1}], n=100)
    with pytest.raises(SimulationError) as info:
        sim.var([0.5, 1.5])
    assert (info.value.code, info.value.path) == ("invalid_probability", "q[1]")
    with pytest.raises(SimulationError) as info:
        sim.report(percentiles=[1.5])
    assert (info.value.code, info.value.path) == ("invalid_probability", "percentiles[0]")


def test_methodology_bytes_are_decoded_by_the_engine():
    with pytest.raises(MethodologyError) as info:
        riskrating.Methodology.from_json(b'{"id": "\xff"}')
    assert info.value.code == "invalid_methodology" and "UTF-8" in str(info.value)


def test_sample_size_is_held_to_the_document_limits():
    with pytest.raises(InputError) as info:
        riskrating.sample_portfolio(10**9)
    assert (info.value.code, info.value.path) == ("limit_exceeded", "organisations")


def test_plan_default_is_the_engines(small):
    assert len(riskrating.plan(small, "RBS")) == min(5, riskrating.plan(small, "RBS", k=100).candidates)


def test_prepared_portfolio_answers_as_the_functions(small):
    p = riskrating.PreparedPortfolio(small)
    assert len(p) == len(small["organisations"]) and p.as_of == small["as_of"]
    assert p.rate().to_json() == riskrating.rate(small).to_json()
    action = {"action": "resolve_finding", "finding": "F-17"}
    assert p.what_if("RBS", action).to_json() == riskrating.what_if(small, "RBS", action).to_json()
    assert p.plan("RBS", 3).to_json() == riskrating.plan(small, "RBS", k=3).to_json()
    dates = ["2025-01-01", "2025-09-30"]
    assert p.history(dates).to_json() == riskrating.history(small, dates).to_json()
    assert p.change("RBS", *dates) == riskrating.change(small, "RBS", *dates)
    with pytest.raises(InputError) as info:
        p.plan("NOPE")
    assert info.value.code == "unknown_organisation"


def test_split_results_that_do_not_fit_the_graph_are_input_errors():
    # The per-organisation half of one portfolio does not fit another's graph: a bad argument
    # (InputError, a ValueError), with the engine's code and the offending result's path.
    p = riskrating.sample_portfolio(30)
    internal = [j for _, j in riskrating.rate_internal(p)]
    with pytest.raises(InputError) as info:
        riskrating.rate_from_internal(p, internal[1:])
    assert isinstance(info.value, ValueError)
    assert info.value.code == "missing_organisation"
    with pytest.raises(InputError) as info:
        riskrating.rate_from_internal(p, internal + internal[:1])
    assert info.value.code == "duplicate_organisation" and info.value.path.startswith("internal[")
