"""Side by side: rating a generated portfolio in one process (riskrating.rate) vs through Spark
local mode (riskrating.spark.rate_result), with peak memory of the driver and of the Python
workers, and a projection to a cluster from the measured per-partition cost.

    .venv/bin/python benches/spark_compare.py [--organisations N] [--partitions P] [--master local[2]]

Prints a Markdown table (the BENCHMARKS.md "Spark" section is its output). Needs pyspark,
pyarrow and the riskrating wheel in the interpreter (scripts/test-spark.sh installs them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

import riskrating
from riskrating import arrow, spark


def worker_peak_kib() -> int:
    """Peak RSS of finished child processes (the Python workers Spark forked) in KiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def rated(r: "riskrating.PortfolioRating") -> dict:
    """A rating's output document without its provenance block."""
    d = json.loads(r.to_json())
    d.pop("provenance", None)
    return d


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--organisations", type=int, default=50_000)
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--master", default="local[2]")
    a = ap.parse_args()

    os.environ["PYSPARK_PYTHON"] = sys.executable
    t0 = time.perf_counter()
    p = riskrating.sample_portfolio(a.organisations, seed=3)
    gen = time.perf_counter() - t0

    t0 = time.perf_counter()
    want = riskrating.rate(p)
    single = time.perf_counter() - t0
    rss_single = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    t0 = time.perf_counter()
    internal = riskrating.rate_internal(p)
    t_internal = time.perf_counter() - t0
    t0 = time.perf_counter()
    riskrating.rate_from_internal(p, [j for _, j in internal])
    t_graph = time.perf_counter() - t0

    from pyspark.sql import SparkSession

    s = SparkSession.builder.master(a.master).config("spark.ui.enabled", "false").getOrCreate()
    s.sparkContext.setLogLevel("ERROR")
    tables = arrow.portfolio_to_arrow(p)
    dfs = {k: s.createDataFrame(v).cache() for k, v in tables.items()}
    for df in dfs.values():
        df.count()  # materialise the inputs: time the rating, not the upload
    t0 = time.perf_counter()
    got = spark.rate_result(as_of=p.as_of, partitions=a.partitions, **dfs)
    t_spark = time.perf_counter() - t0
    # The graph half sees no input document, so its result carries no provenance block (the
    # Spark tests compare the same way); every figure must be identical.
    assert rated(got) == rated(want), "Spark result differs from riskrating.rate"
    rss_driver = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    s.stop()

    per_partition = t_internal / a.partitions
    print(f"| organisations | {a.organisations:,} (generated in {gen:.1f} s) |")
    print("|---|---|")
    print(f"| one process, `riskrating.rate` | {single:.2f} s, peak RSS {rss_single / 1024:.0f} MiB |")
    print(f"| per-organisation half alone (`rate_internal`) | {t_internal:.2f} s |")
    print(f"| graph half alone (`rate_from_internal`, incl. JSON) | {t_graph:.2f} s |")
    print(f"| Spark {a.master}, {a.partitions} partitions | {t_spark:.2f} s ({t_spark / single:.1f}x one process) |")
    print(f"| peak RSS: driver process (JVM excluded) / Python workers | {rss_driver / 1024:.0f} MiB / {worker_peak_kib() / 1024:.0f} MiB |")
    overhead = t_spark - t_internal / 2 - t_graph
    print(f"| Spark overhead (shuffle, Arrow, JVM), measured minus ideal 2-core | {overhead:.2f} s |")
    for ex in (16,):
        proj = t_internal / ex + t_graph + overhead
        print(f"| projected {ex} executors (per-partition cost {per_partition:.2f} s) | {proj:.2f} s |")


if __name__ == "__main__":
    main()
