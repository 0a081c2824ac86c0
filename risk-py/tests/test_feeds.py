"""Threat feeds: the real KEV excerpt and the EPSS fixture (risk-core/tests/fixtures), enrichment,
and malformed feeds as FeedError with feed, line and field."""

from __future__ import annotations

import gzip
import json

import pytest

import riskrating
from conftest import REPO

FIXTURES = REPO / "risk-core" / "tests" / "fixtures"
KEV = FIXTURES / "kev-small.json"
EPSS = FIXTURES / "epss-small.csv"


def test_load_the_real_kev_excerpt_and_epss_fixture():
    kev = riskrating.KevCatalog.from_file(KEV)
    assert len(kev) == 30 and "CVE-2024-3400" in kev and "CVE-1999-0001" not in kev
    assert kev.meta["catalog_version"] == "2025.08.25" and kev.meta["stated_count"] == 1404
    assert len(riskrating.KevCatalog.from_json(KEV.read_text(encoding="utf-8"))) == 30
    assert len(riskrating.KevCatalog.from_json(KEV.read_bytes())) == 30
    epss = riskrating.EpssScores.from_file(EPSS)
    assert epss.meta["model_version"] == "v2025.03.14" and len(epss) == epss.meta["rows"]
    assert epss.get("CVE-2017-0144") == (0.9435, 0.99954) and "CVE-2017-0144" in epss
    assert repr(kev) == "KevCatalog(entries=30)"


def test_enrich_sets_kev_and_epss_without_overwriting(small):
    f = small["organisations"][0]["findings"]
    f[0]["kev"] = False
    f.append({"id": "F-18", "kind": "vulnerability", "cve": " cve-2017-0144 ", "epss": 0.5,
              "first_seen": "2025-08-01"})
    f.append({"id": "F-19", "kind": "vulnerability", "cve": "not a cve", "first_seen": "2025-08-01"})
    kev = riskrating.KevCatalog.from_file(KEV)
    epss = riskrating.EpssScores.from_file(EPSS)
    enriched, report = riskrating.enrich(small, kev=kev, epss=epss)
    out = enriched.to_dict()["organisations"][0]["findings"]
    assert out[0]["kev"] is True and out[1]["kev"] is True
    assert out[1]["epss"] == 0.5  # stated: kept
    assert report["findings"] == 3 and report["with_cve"] == 2 and report["invalid_cve"] == 1
    assert report["kev_enriched"] == 2 and report["skipped_explicit"] >= 1
    assert report["kev"]["catalog_version"] == "2025.08.25"
    # The input is unchanged, and overwrite replaces stated values.
    assert small["organisations"][0]["findings"][0]["kev"] is False
    again, report = riskrating.enrich(small, epss=epss, overwrite=True)
    assert again.to_dict()["organisations"][0]["findings"][1]["epss"] == 0.9435
    assert report["kev"] is None
    # An enriched portfolio rates (and KEV raises the risk of the affected trust).
    assert riskrating.rate(enriched)["RBS"].score < riskrating.rate(small)["RBS"].score


@pytest.mark.parametrize(
    "loader, content, code, line, field",
    [
        ("epss", "cve,epss,percentile\nCVE-2024-3400,1.7,0.99\n", "not_a_probability", 2, "epss"),
        ("epss", "cve,epss,percentile\nCVE-2024-3400,x,0.99\n", "not_a_number", 2, "epss"),
        ("epss", "cve,epss\n", "invalid_header", 1, None),
        ("epss", "", "missing_header", None, None),
        ("epss", "cve,epss,percentile\nCVE-2024-3400,0.1,0.2\nCVE-2024-3400,0.1,0.2\n", "duplicate_cve", 3, "cve"),
        ("epss", gzip.compress(b"cve,epss,percentile\n"), "compressed", None, None),
        ("kev", '{"vulnerabilities": [{"cveID": "CVE-24"}]}', "invalid_cve_id", None, "cveID"),
        ("kev", '{"vulnerabilities": [{}]}', "missing_field", None, "cveID"),
        ("kev", '{"vulnerabilities": [', "malformed_json", None, None),
        ("kev", b"\xff", "invalid_encoding", None, None),
    ],
)
def test_malformed_feeds(loader, content, code, line, field):
    load = riskrating.EpssScores.from_csv if loader == "epss" else riskrating.KevCatalog.from_json
    with pytest.raises(riskrating.FeedError) as info:
        load(content)
    e = info.value
    assert isinstance(e, riskrating.InputError) and isinstance(e, ValueError)
    assert e.feed == loader and e.code == code, str(e)
    if line is not None:
        assert e.line == line
    if field is not None:
        assert e.field == field
    assert e.errors[0]["code"] == code and e.errors[0]["path"] == e.path


def test_feed_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        riskrating.KevCatalog.from_file(tmp_path / "nope.json")
    bad = tmp_path / "kev.json"
    bad.write_text(json.dumps({"vulnerabilities": [{"cveID": "CVE-2024-3400"}, {"cveID": "CVE-2024-3400"}]}))
    with pytest.raises(riskrating.FeedError) as info:
        riskrating.KevCatalog.from_file(bad)
    assert info.value.code == "duplicate_cve" and info.value.path == "vulnerabilities[1].cveID"
