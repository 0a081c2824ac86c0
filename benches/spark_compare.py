"""Side by side: rating a generated portfolio in one process (riskrating.rate) vs through Spark
local mode (riskrating.spark.rate_result), with the peak memory of the driver, of the JVM and of
the Python workers, and a projection to a cluster from the measured per-partition cost.

    .venv/bin/python benches/spark_compare.py [--organisations N] [--partitions P] [--master local[2]]
        [--driver-memory 4g]

Prints a Markdown table (the BENCHMARKS.md "Spark" section is its output). Needs pyspark,
pyarrow and the riskrating wheel in the interpreter (scripts/test-spark.sh installs them).

How it measures:
* The one-process figures (``riskrating.rate``, and each half of the split alone) come from a
  child process (this script with ``--one-process``), so that the driver's peak is the Spark
  route's own. The child prints its timings, its peak RSS (``VmHWM``) and a SHA-256 of the
  rating's JSON text without its provenance block.
* The driver (this process) generates the same portfolio, hands its tables to Spark (cached and
  counted: the rating is timed, not the upload), frees them, resets its peak RSS
  (``/proc/self/clear_refs``) and runs ``spark.rate_result``; its peak is ``VmHWM`` after it.
* A sampler thread polls ``/proc`` every 50 ms for the driver's descendants: the JVM (``java``)
  and the Python processes it starts (the ``pyspark.daemon`` and its forked workers). The JVM's
  peak is its own ``VmHWM``; a worker's peak is the largest ``VmHWM`` seen for it (exact); the
  workers' summed peak is the largest sum of their ``VmRSS`` over the polls (shared copy-on-write
  pages of the forked workers counted in each, so an upper bound).
* Identity: the SHA-256 of the Spark rating's JSON text must equal the one-process digest (every
  figure of every organisation, peer group, supplier and group; the split path carries no
  provenance block, as the Spark tests say). One text at a time, after Spark has stopped.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from typing import Dict, Optional

import riskrating
from riskrating import arrow, spark

SEED = 3


def status(pid: object = "self") -> Dict[str, int]:
    """``VmRSS`` and ``VmHWM`` of a process in KiB (empty if it is gone)."""
    out: Dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM"):
                    out[k] = int(v.split()[0])
    except OSError:
        pass
    return out


def reset_peak() -> None:
    """Free what the allocator holds and restart this process's ``VmHWM`` from its RSS."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def digest(text: str) -> str:
    """SHA-256 of a rating's JSON text without its provenance block, read in 16 MiB pieces.
    The block (``"provenance":{…}`` between ``methodology_version`` and ``ratings``) is cut out
    exactly: the cut text must parse as an object with the one key ``provenance``."""
    i = text.find(',"provenance":')
    if i >= 0:
        j = text.index(',"ratings":', i)
        assert list(json.loads("{" + text[i + 1 : j] + "}")) == ["provenance"]
        pieces = [(0, i), (j, len(text))]
    else:
        pieces = [(0, len(text))]
    h = hashlib.sha256()
    step = 1 << 24
    for a, b in pieces:
        for k in range(a, b, step):
            h.update(text[k : min(b, k + step)].encode())
    return h.hexdigest()


class Sampler(threading.Thread):
    """Polls the driver's descendants: the JVM and the Python workers."""

    def __init__(self, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.done = threading.Event()
        self.jvm_hwm = 0
        self.worker_hwm: Dict[int, int] = {}
        self.workers_sum = 0
        self.workers_max_count = 0

    def descendants(self) -> Dict[int, str]:
        parent: Dict[int, int] = {}
        comm: Dict[int, str] = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat") as f:
                    s = f.read()
            except OSError:
                continue
            # pid (comm) state ppid …; comm may hold spaces and parentheses.
            r = s.rindex(")")
            parent[int(d)] = int(s[r + 2 :].split()[1])
            comm[int(d)] = s[s.index("(") + 1 : r]
        me, out = os.getpid(), {}
        for pid in parent:
            p = parent[pid]
            while p > 1 and p != me:
                p = parent.get(p, 0)
            if p == me:
                out[pid] = comm[pid]
        return out

    def poll(self) -> None:
        total, count = 0, 0
        for pid, name in self.descendants().items():
            st = status(pid)
            if not st:
                continue
            if name == "java":
                self.jvm_hwm = max(self.jvm_hwm, st["VmHWM"])
            elif name.startswith("python"):
                self.worker_hwm[pid] = max(self.worker_hwm.get(pid, 0), st["VmHWM"])
                total += st["VmRSS"]
                count += 1
        self.workers_sum = max(self.workers_sum, total)
        self.workers_max_count = max(self.workers_max_count, count)

    def run(self) -> None:
        while not self.done.is_set():
            self.poll()
            time.sleep(self.interval)

    def stop(self) -> None:
        self.poll()
        self.done.set()
        self.join()


def one_process(n: int, internal_only: bool) -> None:
    """The child: one-process figures as one JSON line."""
    p = riskrating.sample_portfolio(n, seed=SEED)
    if internal_only:
        t0 = time.perf_counter()
        riskrating.rate_internal(p)
        print(json.dumps({"internal": time.perf_counter() - t0}))
        return
    t0 = time.perf_counter()
    want = riskrating.rate(p)
    single = time.perf_counter() - t0
    peak_single = status()["VmHWM"]
    text = want.to_json()
    d = digest(text)
    del text, want
    t0 = time.perf_counter()
    internal = riskrating.rate_internal(p)
    t_internal = time.perf_counter() - t0
    json_bytes = sum(len(j) for _, j in internal)
    texts = [j for _, j in internal]
    del internal
    t0 = time.perf_counter()
    riskrating.rate_from_internal(p, texts)
    t_graph = time.perf_counter() - t0
    print(json.dumps({"single": single, "peak_single_kib": peak_single, "digest": d, "internal": t_internal,
                      "graph": t_graph, "json_bytes": json_bytes, "peak_kib": status()["VmHWM"]}))


def mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--organisations", type=int, default=50_000)
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--driver-memory", default="2g", help="spark.driver.memory (the JVM's heap in local mode)")
    ap.add_argument("--one-process", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--internal-only", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one_process:
        one_process(a.organisations, a.internal_only)
        return

    load = [os.getloadavg()[0]]

    def child(*extra: str, env: Optional[Dict[str, str]] = None) -> Dict[str, float]:
        cmd = [sys.executable, __file__, "--one-process", "--organisations", str(a.organisations), *extra]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env={**os.environ, **(env or {})})
        return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]

    one = child()
    # One core's cost of the per-organisation half: what one executor core spends per partition.
    one_core = child("--internal-only", env={"RAYON_NUM_THREADS": "1"})["internal"]

    os.environ["PYSPARK_PYTHON"] = sys.executable
    t0 = time.perf_counter()
    p = riskrating.sample_portfolio(a.organisations, seed=SEED)
    gen = time.perf_counter() - t0
    as_of = p.as_of

    sampler = Sampler()
    sampler.start()
    from pyspark.sql import SparkSession

    s = (
        SparkSession.builder.master(a.master)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", a.driver_memory)
        .config("spark.driver.maxResultSize", "0")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    tables = arrow.portfolio_to_arrow(p)
    dfs = {k: s.createDataFrame(v).cache() for k, v in tables.items()}
    for df in dfs.values():
        df.count()  # materialise the inputs: time the rating, not the upload
    del tables, p
    setup_peak = status()["VmHWM"]
    reset_peak()
    rss_before = status()["VmRSS"]
    load.append(os.getloadavg()[0])
    t0 = time.perf_counter()
    got: Optional[riskrating.PortfolioRating] = spark.rate_result(as_of=as_of, partitions=a.partitions, **dfs)
    t_spark = time.perf_counter() - t0
    driver = status()
    load.append(os.getloadavg()[0])
    sampler.stop()
    s.stop()
    assert got is not None
    text = got.to_json()
    del got
    same = digest(text) == one["digest"]
    del text
    assert same, "Spark result differs from riskrating.rate"
    whole_script = max(setup_peak, driver["VmHWM"], status()["VmHWM"])

    workers = sampler.worker_hwm
    single, t_internal, t_graph = one["single"], one["internal"], one["graph"]
    print(f"| organisations | {a.organisations:,} (generated in {gen:.1f} s; internal JSON {one['json_bytes'] / a.organisations:,.0f} B each) |")
    print("|---|---|")
    print(f"| one process, `riskrating.rate` | {single:.2f} s, peak RSS {mib(one['peak_single_kib'])} |")
    print(f"| per-organisation half alone (`rate_internal`), 2 threads / 1 thread | {t_internal:.2f} s / {one_core:.2f} s |")
    print(f"| graph half alone (`rate_from_internal`, incl. JSON) | {t_graph:.2f} s |")
    print(f"| Spark {a.master}, {a.partitions} partitions | {t_spark:.2f} s ({t_spark / single:.1f}x one process) |")
    print(f"| peak RSS of the driver process during `rate_result` (JVM excluded) | {mib(driver['VmHWM'])} ({mib(rss_before)} before it) |")
    print(f"| peak RSS of the driver process, whole script (generation, upload, digest) | {mib(whole_script)} |")
    print(f"| peak RSS of the JVM (driver and executors, heap {a.driver_memory}) | {mib(sampler.jvm_hwm)} |")
    print(f"| peak RSS of the Python workers: largest one / summed over {sampler.workers_max_count} processes | "
          f"{mib(max(workers.values(), default=0))} / {mib(sampler.workers_sum)} |")
    print(f"| driver + JVM + workers, sum of the peaks | {mib(driver['VmHWM'] + sampler.jvm_hwm + sampler.workers_sum)} |")
    # Ideal on 2 cores: the per-organisation half on two cores, then the graph half.
    overhead = t_spark - one_core / 2 - t_graph
    print(f"| Spark overhead (shuffle, Arrow, JVM, collect): measured minus ideal 2-core | {overhead:.2f} s |")
    per_partition = one_core / a.partitions
    for ex in (16,):
        proj = one_core / ex + t_graph + overhead
        print(f"| projected {ex} executors: 1-thread per-organisation half / {ex} + graph half + overhead "
              f"(per-partition cost {per_partition:.2f} s) | {proj:.2f} s |")
    print(f"| identical to `riskrating.rate` (SHA-256 of the JSON without provenance) | {same} |")
    print(f"| load average (1 min) before / at start / at end of the Spark run | {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} |")


if __name__ == "__main__":
    main()
