#!/usr/bin/env python3
"""Write the seed inputs of the fuzz targets into fuzz/seeds/<target>/ (not committed).

The committed corpora under fuzz/corpus/<target>/ are these seeds plus what the fuzzer found,
minimised with `cargo fuzz cmin`. Run from anywhere: paths are relative to the repository.
"""
import hashlib
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "seeds"
SEP = b"\xff"  # risk_fuzz::checks::ACTIONS_SEPARATOR


def put(target, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


PERT = {"type": "pert", "min": 1e4, "mode": 1e5, "max": 2e6}
QUANT_SEEDS = [
    {"trials": 1000, "seed": 42, "mode": "compound",
     "scenarios": [
         {"name": "ransomware", "organisation": "RBS",
          "frequency": {"tef": {"type": "pert", "min": 1, "mode": 4, "max": 12}, "vulnerability": 0.05},
          "primary_loss": {"type": "lognormal_ci", "low": 1e5, "high": 5e6},
          "secondary": {"probability": 0.3, "loss": PERT}}],
     "report": {"percentiles": [0.5, 0.95], "thresholds": [1e6], "lec_points": 5}},
    {"trials": 500, "seed": 7, "mode": "expected",
     "scenarios": [
         {"name": "a", "frequency": {"lef": {"type": "pert_pyfair", "low": 0.1, "mode": 0.5, "high": 2, "gamma": 4}},
          "primary_loss": {"type": "triangular", "min": 0, "mode": 10, "max": 100}},
         {"name": "b", "organisation": "X", "frequency": {"lef": {"type": "uniform", "min": 0, "max": 3}},
          "primary_loss": {"type": "normal", "mean": 1000, "sd": 300},
          "secondary": {"probability": {"type": "pert", "min": 0, "mode": 0.2, "max": 0.9},
                        "loss": {"type": "lognormal", "mu": 10, "sigma": 1}}}],
     "report": {"var_levels": [0.9], "include_losses": True, "lec_points": 0}},
    {"trials": 200, "seed": 1,
     "scenarios": [
         {"name": "breach", "frequency": {"from_rating": "RBS"}, "primary_loss": 1e6},
         {"name": "outage", "organisation": "RBS", "frequency": {"lef": 0.5},
          "primary_loss": {"type": "constant", "value": 1000}}],
     "ratings": {"RBS": {"probability": 0.084, "probability_interval": [0.051, 0.137]}}},
    {"scenarios": [{"name": "s", "frequency": {"lef": 2}, "primary_loss": 10}]},
]


# Hostile and edge inputs for the ingest parsers (small versions: the corpus stays small).
INGEST_OCSF_SEEDS = [
    b"[]", b"", b"[" * 40 + b"]" * 40, b'[{"class_uid": 2002},', b'{"class_uid": "2002"}',
    b'{"class_uid": 2002, "time": 1756684800000, "metadata": {"version": "1.1.0",'
    b' "tenant_uid": "t"}, "finding_info": {"uid": "u"}, "device": {"uid": "h",'
    b' "agent_list": [{"type_id": 1}]}, "vulnerabilities": [{"cve": {"uid": "CVE-2024-3400"}}]}',
    b'{"class_uid": 5001, "time": 1756684800000, "metadata": {"version": "1.5.0",'
    b' "tenant_uid": "t"}, "device": {"uid": "d", "type_id": 7, "vlan_uid": "vlan-120"}}',
    b'{"class_uid": 2003, "time": 1756684800000, "metadata": {"version": "1.5.0",'
    b' "tenant_uid": "t"}, "finding_info": {"uid": "c"}, "compliance": {"control": "Z9.a",'
    b' "standards": ["CAF"], "status_id": 3}}',
]
INGEST_NESSUS_SEEDS = [
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
    b"<NessusClientData_v2>&b;</NessusClientData_v2>",
    b"<NessusClientData_v2>" + b"<a>" * 40 + b"</a>" * 40 + b"</NessusClientData_v2>",
    b'<NessusClientData_v2><Report name="r"><ReportHost name="h"><HostProperties>'
    b'<tag name="HOST_START">Tue Sep 23 10:00:00 2025</tag></HostProperties>'
    b'<ReportItem severity="4" pluginFamily="F"><cve>CVE-2024-3400</cve>'
    b"<cvss3_vector>CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H</cvss3_vector>"
    b"<epss_score>0.5</epss_score><cisa-known-exploited/></ReportItem></ReportHost></Report>"
    b"</NessusClientData_v2>",
    b"<NessusClientData_v2><Report",
]


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    vectors = ROOT / "tests" / "vectors"
    manifest = json.loads((vectors / "manifest.json").read_text())
    for case in manifest["cases"]:
        doc = (vectors / case["input"]).read_bytes()
        if case["kind"] == "rate":
            put("document", doc)
        elif case["kind"] == "what_if":
            # The document with the case's organisation first, then its actions.
            try:
                d = json.loads(doc)
                orgs = d["organisations"]
                orgs.sort(key=lambda o: o["id"] != case["organisation"])
                doc = json.dumps(d, separators=(",", ":")).encode()
            except (ValueError, KeyError):
                pass
            put("document", doc + SEP + json.dumps(case["actions"]).encode())
    put("document", (ROOT / "risk-core" / "tests" / "data" / "spec_example.json").read_bytes())

    put("methodology", (ROOT / "risk-core" / "data" / "nhs-caf-v1.json").read_bytes())
    for p in sorted((ROOT / "examples" / "methodologies").glob("*.*")):
        if p.suffix in (".json", ".toml"):
            put("methodology", p.read_bytes())

    fixtures = ROOT / "risk-core" / "tests" / "fixtures"
    put("feeds", (fixtures / "kev-small.json").read_bytes())
    put("feeds", (fixtures / "epss-small.csv").read_bytes())
    put("feeds", (ROOT / "risk-core" / "data" / "kev-excerpt.json").read_bytes())
    for doc in QUANT_SEEDS:
        put("quant", json.dumps(doc, indent=1).encode())

    exports = ROOT / "tests" / "fixtures" / "ingest" / "exports"
    for p in sorted(exports.glob("ocsf-*")):
        put("ingest_ocsf", p.read_bytes())
        # One seed per event, so the fuzzer mutates small inputs.
        for line in p.read_text().splitlines():
            if line.strip().startswith("{"):
                put("ingest_ocsf", line.encode())
    for seed in INGEST_OCSF_SEEDS:
        put("ingest_ocsf", seed)
    put("ingest_nessus", (exports / "scan.nessus").read_bytes())
    for seed in INGEST_NESSUS_SEEDS:
        put("ingest_nessus", seed)

    for t in sorted(OUT.iterdir()):
        print(t.name, len(list(t.iterdir())), "seeds")


if __name__ == "__main__":
    main()
