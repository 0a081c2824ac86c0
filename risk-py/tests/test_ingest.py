"""riskrating.ingest: OCSF and Nessus exports in, the same evidence as the Rust engine out."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import riskrating

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "ingest"
EXPORTS = FIX / "exports"


def _options():
    opts = json.loads((FIX / "options.json").read_text())
    return {
        "as_of": opts["as_of"],
        "attribution": opts["attribution"],
        "segmented_networks": opts["segmented_networks"],
        "kev": riskrating.KevCatalog.from_file(FIX / "kev.json"),
    }


def _ingest_all():
    return riskrating.ingest.read(
        EXPORTS / "ocsf-findings.jsonl",
        EXPORTS / "ocsf-inventory.json",
        EXPORTS / "ocsf-compliance.jsonl",
        EXPORTS / "scan.nessus",
        **_options(),
    )


def test_fixtures_become_the_hand_written_document():
    out = _ingest_all()
    expected = riskrating.Portfolio(json.loads((FIX / "expected.json").read_text()))
    assert out.portfolio.to_dict() == expected.to_dict()
    # Rating it equals rating the hand-written document, bit for bit.
    a = riskrating.rate(out.portfolio).to_dict()
    b = riskrating.rate(expected).to_dict()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_report_and_frames():
    out = _ingest_all()
    r = out.report
    assert (r["records_read"], r["records_used"]) == (27, 15)
    assert r["records_read"] == r["records_used"] + sum(r["skipped"].values())
    assert r["skipped"]["detection_finding"] == 1
    assert [p["code"] for p in r["problems"]] == [
        "unattributable", "invalid_cvss", "field_not_in_version", "unattributable"]
    assert len(out.findings) == 6
    assert set(out.findings["organisation"]) == {"RBS", "RXX", "RYY"}
    assert list(out.metrics["metric"]) == [
        "asset_inventory_coverage", "edr_coverage", "iomt_segmentation"]
    assert list(out.assessments["control"]) == ["B4.d", "B2.a", "C1.a"]


def test_ocsf_and_nessus_entry_points_take_bytes_text_and_paths():
    o = _options()
    by_path = riskrating.ingest.ocsf(EXPORTS / "ocsf-findings.jsonl", **o)
    by_bytes = riskrating.ingest.ocsf((EXPORTS / "ocsf-findings.jsonl").read_bytes(), **o)
    by_text = riskrating.ingest.ocsf(str(EXPORTS / "ocsf-findings.jsonl"), **o)
    assert by_path.portfolio.to_dict() == by_bytes.portfolio.to_dict() == by_text.portfolio.to_dict()
    n = riskrating.ingest.nessus(EXPORTS / "scan.nessus", **o)
    assert n.report["by_class"] == {"nessus": 5}


def test_merge_into_a_document():
    out = _ingest_all()
    doc = {"as_of": "2025-12-31", "organisations": [{"id": "RBS", "peer_group": "acute"}]}
    merged = out.merge_into(doc)
    assert len(merged["organisations"]) == 3
    assert merged["organisations"][0]["peer_group"] == "acute"
    riskrating.rate(merged)


def test_refused_inputs_raise_ingest_errors():
    with pytest.raises(riskrating.IngestError) as e:
        riskrating.ingest.ocsf(b'[{"class_uid": 2002}, {"class', as_of="2025-09-30")
    assert (e.value.code, e.value.path, e.value.record) == ("malformed_json", "[1]", 1)
    assert isinstance(e.value, ValueError)
    with pytest.raises(riskrating.IngestError) as e:
        riskrating.ingest.nessus(
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<NessusClientData_v2>&b;</NessusClientData_v2>", as_of="2025-09-30")
    assert e.value.code == "xml_dtd_refused"
    with pytest.raises(riskrating.IngestError) as e:
        riskrating.ingest.ocsf(b"[]", as_of="2025-09-30", attribution={"tenant": {}})
    assert (e.value.code, e.value.path) == ("invalid_options", "attribution.tenant")
    with pytest.raises(FileNotFoundError):
        riskrating.ingest.ocsf(FIX / "missing.jsonl", as_of="2025-09-30")


def test_fixtures_are_what_ocsf_emitter_validates():
    """The committed OCSF fixtures are exactly what make_fixtures.py writes after validating
    every event with ocsf-emitter (the OCSF 1.5.0 schema)."""
    r = subprocess.run([sys.executable, str(FIX / "make_fixtures.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
