"""Write N OCSF 1.5.0 Vulnerability Finding events as JSON lines (the shape the ingest tests'
fixtures have, which ocsf-emitter validates), for benches/ingest_1m.sh.

usage: python ingest_1m.py OUT.jsonl N DISTINCT [TENANTS]
  N events; DISTINCT distinct findings (finding_info.uid) among them — N = DISTINCT gives
  N findings kept, DISTINCT < N re-reports findings (duplicates) so the evidence kept is small
  while the file is as large.
"""

import json
import random
import sys

out, n, distinct = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tenants = int(sys.argv[4]) if len(sys.argv) > 4 else 10
rng = random.Random(16)
DAY = 86_400_000
BASE = 20_300 * DAY  # 2025-08-01 and after
VECTORS = [
    ("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
    ("3.1", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"),
    ("4.0", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
    ("3.1", "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:N"),
]
with open(out, "w") as f:
    for i in range(n):
        k = i % distinct
        ver, vec = VECTORS[k % len(VECTORS)]
        e = {
            "class_uid": 2002, "class_name": "Vulnerability Finding", "category_uid": 2,
            "category_name": "Findings", "activity_id": 1, "activity_name": "Create",
            "type_uid": 200201, "severity_id": 4, "status_id": 4 if k % 7 == 0 else 1,
            "time": BASE + (i % 50) * DAY,
            "metadata": {"version": "1.5.0", "tenant_uid": f"tenant-{k % tenants}",
                         "product": {"name": "Example Scanner", "vendor_name": "Example"}},
            "finding_info": {"uid": f"f-{k}", "title": "Vulnerability",
                             "first_seen_time": BASE - (k % 90) * DAY},
            "device": {"uid": f"host-{k // 3}", "type_id": 1, "type": "Server"},
            "vulnerabilities": [{"cve": {"uid": f"CVE-2024-{10000 + k % 3:05d}",
                                         "cvss": [{"version": ver, "vector_string": vec,
                                                   "base_score": 9.8}],
                                         "epss": {"score": f"{rng.random():.5f}"}},
                                 "title": "CVE"}],
        }
        f.write(json.dumps(e, separators=(",", ":")) + "\n")
