"""Every exception class, with its code and JSON path; no input crashes the interpreter."""

from __future__ import annotations

import json

import pytest

import riskrating
from riskrating import InputError, MethodologyError, RiskError


def _doc(**org):
    o = {"id": "A"}
    o.update(org)
    return {"as_of": "2025-09-30", "organisations": [o]}


@pytest.mark.parametrize(
    "document, code, path",
    [
        ('{"as_of": "2025-09-30", "organisations": [', "malformed_json", "organisations"),
        (b"\xff\xfe", "invalid_encoding", ""),
        ({"as_of": "2025-09-30"}, "missing_field", "organisations"),
        ({"as_of": "2025-02-30", "organisations": []}, "invalid_date", "as_of"),
        ({"as_of": 20250930, "organisations": []}, "wrong_type", "as_of"),
        (_doc(colour="red"), "unknown_field", "organisations[0].colour"),
        (_doc(findings=[{"id": "F", "kind": "volcano", "first_seen": "2025-01-01"}]),
         "unknown_value", "organisations[0].findings[0].kind"),
        (_doc(metrics=[{"metric": "mfa_coverage", "successes": 1.5, "trials": 2, "observed_on": "2025-01-01"}]),
         "invalid_count", "organisations[0].metrics[0].successes"),
        (_doc(metrics=[{"metric": "mfa_coverage", "successes": 3, "trials": 2, "observed_on": "2025-01-01"}]),
         "successes_exceed_trials", "organisations[0].metrics[0].successes"),
        (_doc(metrics=[{"metric": "no_such_metric", "successes": 1, "trials": 2, "observed_on": "2025-01-01"}]),
         "unknown_metric", "organisations[0].metrics[0].metric"),
        (_doc(findings=[{"id": "F", "kind": "vulnerability", "cvss": "CVSS:3.1/AV:X", "first_seen": "2025-01-01"}]),
         "invalid_cvss", "organisations[0].findings[0].cvss"),
        (_doc(findings=[{"id": "F", "kind": "vulnerability", "epss": 1.5, "first_seen": "2025-01-01"}]),
         "invalid_probability", "organisations[0].findings[0].epss"),
        (_doc(assessments=[{"control": "Z9.z", "outcome": "achieved", "assurance": "self_assessed", "assessed_on": "2025-01-01"}]),
         "unmapped_control", "organisations[0].assessments[0].control"),
        (_doc(dependencies=[{"supplier": "A", "criticality": "low", "access": "none"}]),
         "self_dependency", "organisations[0].dependencies[0].supplier"),
        (_doc(findings=[{"id": "F", "kind": "tls", "epss": float("nan"), "first_seen": "2025-01-01"}]),
         "invalid_number", "organisations[0].findings[0].epss"),
        (_doc(findings=[{"id": "F", "kind": "tls", "epss": object(), "first_seen": "2025-01-01"}]),
         "wrong_type", "organisations[0].findings[0].epss"),
    ],
)
def test_input_errors_name_code_and_path(document, code, path):
    with pytest.raises(InputError) as info:
        riskrating.rate(document)
    e = info.value
    assert isinstance(e, RiskError) and isinstance(e, ValueError)
    assert (e.code, e.path) == (code, path), str(e)
    assert e.errors[0]["code"] == code and e.errors[0]["path"] == path
    assert e.errors[0]["message"]
    assert code in str(e)


def test_input_error_lists_every_problem():
    doc = {"as_of": "2025-09-30", "organisations": [
        {"id": "A", "dependencies": [{"supplier": "NOPE", "criticality": "high", "access": "data"}]},
        {"id": "A"},
        {"id": ""}]}
    with pytest.raises(InputError) as info:
        riskrating.rate(doc)
    got = {(p["code"], p["path"]) for p in info.value.errors}
    assert got == {
        ("duplicate_organisation", "organisations[1].id"),
        ("empty_id", "organisations[2].id"),
        ("unknown_supplier", "organisations[0].dependencies[0].supplier"),
    }
    assert info.value.omitted == 0
    assert "and 2 more problems" in str(info.value)


def test_input_error_caps_problems_and_counts_the_rest():
    doc = {"as_of": "2025-09-30", "organisations": [{"id": ""} for _ in range(150)]}
    with pytest.raises(InputError) as info:
        riskrating.rate(doc)
    assert len(info.value.errors) == 100 and info.value.omitted == 50


def test_action_errors(small):
    with pytest.raises(InputError) as info:
        riskrating.what_if(small, "RBS", [{"action": "resolve_finding", "finding": "F-17"},
                                          {"action": "fly"}])
    assert info.value.code == "invalid_action" and info.value.path.startswith("actions[1]")
    with pytest.raises(InputError) as info:
        riskrating.what_if(small, "RBS", [{"action": "remove_dependency", "supplier": "RXX"}])
    assert (info.value.code, info.value.path) == ("invalid_action", "actions[0].supplier")
    with pytest.raises(InputError) as info:
        riskrating.what_if(small, "RBS", [{"action": "set_metric", "metric": "mfa_coverage",
                                           "successes": float("nan"), "trials": 10}])
    assert (info.value.code, info.value.path) == ("invalid_number", "actions[0].successes")
    with pytest.raises(InputError) as info:
        riskrating.plan(small, "NOPE")
    assert info.value.code == "unknown_organisation"


def test_methodology_errors(tmp_path):
    m = riskrating.Methodology.default().to_dict()
    m["factors"][0]["weight"] = -1
    with pytest.raises(MethodologyError) as info:
        riskrating.Methodology.from_json(json.dumps(m))
    e = info.value
    assert isinstance(e, RiskError) and not isinstance(e, ValueError)
    assert e.code == "invalid_methodology" and e.path.startswith("factors[0].weight")
    assert any(p["path"].startswith("factors[0].weight") for p in e.errors)
    with pytest.raises(MethodologyError) as info:
        riskrating.Methodology.from_json('{"id": 1}')
    assert info.value.path == "id"
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff")
    with pytest.raises(MethodologyError) as info:
        riskrating.Methodology.from_file(bad)
    assert "UTF-8" in str(info.value)
    with pytest.raises(MethodologyError):
        riskrating.Methodology.from_json(b'{"id": "x"')


def test_file_errors_are_os_errors(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        riskrating.rate(tmp_path / "missing.json")
    assert info.value.filename == str(tmp_path / "missing.json")
    with pytest.raises(FileNotFoundError):
        riskrating.rate("missing.json")
    with pytest.raises(IsADirectoryError):
        riskrating.rate(tmp_path)
    with pytest.raises(FileNotFoundError):
        riskrating.Methodology.from_file(tmp_path / "missing.json")


def test_wrong_argument_types():
    with pytest.raises(TypeError):
        riskrating.rate({"as_of": "2025-09-30", "organisations": []}, methodology="nhs-caf-v1")  # type: ignore[arg-type]
    with pytest.raises(InputError) as info:
        riskrating.rate(12)  # type: ignore[arg-type]
    assert info.value.code == "wrong_type"


def test_from_frames_errors_name_frame_row_and_column():
    import pandas as pd

    orgs = pd.DataFrame({"id": ["A", "B"]}, index=["first", "second"])
    found = pd.DataFrame({"organisation": ["A", "B"], "id": ["F1", "F2"],
                          "kind": ["tls", "tls"], "epss": [0.1, 1.7],
                          "first_seen": ["2025-01-01", "2025-01-01"]}, index=[10, 11])
    with pytest.raises(InputError) as info:
        riskrating.from_frames("2025-09-30", orgs, findings=found)
    e = info.value
    assert (e.code, e.path) == ("invalid_probability", "organisations[1].findings[0].epss")
    assert e.errors[0]["frame"] == "findings" and e.errors[0]["row"] == 11 and e.errors[0]["column"] == "epss"
    assert str(e).startswith("findings frame, row 11, column 'epss':")
    with pytest.raises(InputError) as info:
        riskrating.from_frames("2025-09-30", orgs.assign(peer_group=[1, 2]))
    assert info.value.errors[0]["frame"] == "organisations" and info.value.errors[0]["row"] == "first"
    assert info.value.errors[0]["column"] == "peer_group"
    with pytest.raises(InputError) as info:
        riskrating.from_frames("2025-09-30", orgs, findings=found.drop(columns="organisation"))
    assert info.value.code == "missing_field" and info.value.errors[0]["column"] == "organisation"
    with pytest.raises(InputError) as info:
        riskrating.from_frames("2025-13-01", orgs)
    assert info.value.errors[0]["frame"] == "as_of"
