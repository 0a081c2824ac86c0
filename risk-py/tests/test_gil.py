"""The GIL is released while parsing, rating and planning: another Python thread keeps running.

No timing assertion: with the switch interval raised to a minute, the main thread is never asked
to give up the GIL, so the counting thread can run during the call only if the binding releases
the GIL itself. The counter must therefore advance across the call.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Callable, List

import riskrating


def _progress_during(call: Callable[[], object]) -> int:
    counter: List[int] = [0]
    stop = threading.Event()

    def count() -> None:
        while not stop.is_set():
            counter[0] += 1
            time.sleep(0)  # gives the GIL back at once, so the main thread can take it back

    t = threading.Thread(target=count, daemon=True)
    t.start()
    while counter[0] == 0:
        time.sleep(0.001)
    old = sys.getswitchinterval()
    sys.setswitchinterval(60.0)
    # Let the counting thread finish any wait begun under the old interval, so that from here on
    # only a blocking call (or a binding releasing the GIL) lets it run.
    time.sleep(0.01)
    try:
        before = counter[0]
        call()
        after = counter[0]
    finally:
        sys.setswitchinterval(old)
        stop.set()
        t.join()
    return after - before


def test_rating_json_text_releases_the_gil(large_text):
    assert _progress_during(lambda: riskrating.rate(large_text)) > 0


def test_rating_a_path_releases_the_gil(large_path):
    assert _progress_during(lambda: riskrating.rate(large_path)) > 0


def test_control_holding_the_gil_blocks_the_counter():
    # The same harness around pure Python work that never blocks: the counter cannot advance,
    # which shows the test above would fail if the binding kept the GIL.
    def busy() -> None:
        x = 0
        for i in range(3_000_000):
            x += i

    assert _progress_during(busy) == 0


def test_simulating_releases_the_gil():
    scenarios = [{"name": "a", "frequency": {"lef": {"type": "pert", "min": 0.5, "mode": 2, "max": 6}},
                  "primary_loss": {"type": "lognormal_ci", "low": 1e4, "high": 1e6}}]
    assert _progress_during(lambda: riskrating.quant.simulate(scenarios, n=2_000_000, seed=1)) > 0


def test_planning_releases_the_gil(large_path):
    portfolio = riskrating.Portfolio(large_path)
    assert _progress_during(lambda: riskrating.plan(portfolio, portfolio.ids[-1], k=5)) > 0
