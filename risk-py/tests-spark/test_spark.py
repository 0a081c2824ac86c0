"""riskrating.spark on a real Spark (pyspark 4, local mode, one session for the run) and
riskrating.arrow: the Spark result equals riskrating.rate bit for bit; bad rows fail the job
naming the organisation and column, leaving no result."""

from __future__ import annotations

import os
import sys
from typing import Any, Dict

import polars
import pyarrow as pa
import pytest

import riskrating
from riskrating import arrow, spark


@pytest.fixture(scope="session")
def session() -> Any:
    from pyspark.sql import SparkSession

    # The workers run this interpreter (the venv with riskrating and pyarrow).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    s = (
        SparkSession.builder.master("local[2]")
        .appName("riskrating-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    yield s
    s.stop()


def frames(session: Any, tables: Dict[str, pa.Table]) -> Dict[str, Any]:
    return {name: session.createDataFrame(t) for name, t in tables.items()}


def rated(r: Any) -> Dict[str, Any]:
    """A rating's output document without its provenance block: the graph half never sees the
    whole document, so the split path carries none; every rated figure must be identical."""
    d: Dict[str, Any] = r.to_dict()
    d.pop("provenance", None)
    return d


def test_arrow_round_trip_and_capsule_inputs() -> None:
    p = riskrating.sample_portfolio(300)
    tables = arrow.portfolio_to_arrow(p)
    want = riskrating.rate(p).to_json()
    back = arrow.portfolio_from_arrow(p.as_of, tables.pop("organisations"), **tables)
    assert riskrating.rate(back).to_json() == want
    # polars frames (via __arrow_c_stream__) and pandas frames are accepted alike.
    tables = arrow.portfolio_to_arrow(p)
    pl = {k: polars.from_arrow(v) for k, v in tables.items()}
    assert riskrating.rate(arrow.portfolio_from_arrow(p.as_of, pl.pop("organisations"), **pl)).to_json() == want
    pd_ = {k: v.to_pandas() for k, v in tables.items()}
    assert riskrating.rate(arrow.portfolio_from_arrow(p.as_of, pd_.pop("organisations"), **pd_)).to_json() == want
    table = arrow.rating_to_arrow(riskrating.rate(p))
    assert isinstance(table, pa.Table) and table.num_rows == 300
    assert table.column_names[:4] == ["id", "peer_group", "score", "band"]


def test_split_in_python_equals_rate() -> None:
    p = riskrating.sample_portfolio(300)
    internal = [j for _, j in riskrating.rate_internal(p)]
    assert rated(riskrating.rate_from_internal(p, internal[::-1])) == rated(riskrating.rate(p))


def _columns(ids: Any, texts: Any, kind: str) -> Any:
    """The two columns as `kind`: two chunks, large_string, a slice (non-zero array offset), or
    string_view."""
    if kind == "chunks":
        k = len(ids) // 3
        return pa.chunked_array([ids[:k], ids[k:]], pa.string()), pa.chunked_array([texts[:k], texts[k:]], pa.string())
    if kind == "large":
        return pa.array(ids, pa.large_string()), pa.array(texts, pa.large_string())
    if kind == "slice":
        return pa.array(["x", *ids], pa.string()).slice(1), pa.array(["{", *texts], pa.string()).slice(1)
    return pa.array(ids, pa.string_view()), pa.array(texts, pa.string_view())


@pytest.mark.parametrize("kind", ["chunks", "large", "slice", "view"])
def test_arrow_route_equals_list_route_bit_for_bit(kind: str) -> None:
    p = riskrating.sample_portfolio(500, seed=4)
    internal = riskrating.rate_internal(p)[::-1]
    texts = [j for _, j in internal]
    want = riskrating.rate_from_internal(p, texts).to_json()
    ids, col = _columns([i for i, _ in internal], texts, kind)
    assert arrow.rate_from_internal_arrow(p, ids, col).to_json() == want


def test_arrow_route_bad_row_names_the_organisation() -> None:
    p = riskrating.sample_portfolio(300, seed=4)
    internal = riskrating.rate_internal(p)
    ids = [i for i, _ in internal]
    texts: Any = [j for _, j in internal]
    k = 123
    texts[k] = texts[k].replace('"coverage":', '"coverage":"', 1)
    with pytest.raises(riskrating.InputError) as info:
        arrow.rate_from_internal_arrow(p, *_columns(ids, texts, "chunks"))
    assert info.value.code == "malformed_json" and info.value.path == f"internal[{k}]"
    assert f"organisation `{ids[k]}`" in str(info.value), str(info.value)
    texts = [j for _, j in internal]
    texts[k] = None
    with pytest.raises(riskrating.InputError) as info:
        arrow.rate_from_internal_arrow(p, *_columns(ids, texts, "slice"))
    assert (info.value.code, info.value.path) == ("missing_field", f"internal[{k}]")
    assert f"organisation `{ids[k]}`" in str(info.value), str(info.value)
    with pytest.raises(TypeError):
        arrow.rate_from_internal_arrow(p, pa.array(ids), pa.array([1] * len(ids)))


@pytest.mark.parametrize("n", [300, 5000])
def test_spark_equals_rate_bit_for_bit(session: Any, n: int) -> None:
    p = riskrating.sample_portfolio(n, seed=11)
    want = riskrating.rate(p)
    dfs = frames(session, arrow.portfolio_to_arrow(p))
    got = spark.rate_result(as_of=p.as_of, partitions=3, **dfs)
    assert rated(got) == rated(want)
    if n == 300:
        df = spark.rate(as_of=p.as_of, partitions=3, **dfs)
        got_table = df.toArrow()
        assert got_table.num_rows == n
        # Spark writes strings as `string`, pandas 3 as `large_string`: same values, same bits.
        assert arrow.rating_to_arrow(want).cast(got_table.schema).equals(got_table)


def test_bad_row_fails_the_job_naming_organisation_and_column(session: Any) -> None:
    p = riskrating.sample_portfolio(300)
    tables = arrow.portfolio_to_arrow(p)
    f = tables["findings"]
    epss = f.column("epss").to_pylist()
    epss[7] = 3.0
    org = f.column("organisation")[7].as_py()
    tables["findings"] = f.set_column(f.column_names.index("epss"), "epss", pa.array(epss, pa.float64()))
    dfs = frames(session, tables)
    result = None
    with pytest.raises(Exception) as info:
        result = spark.rate(as_of=p.as_of, partitions=3, **dfs)
    text = str(info.value)
    assert f"organisation `{org}`" in text and ".epss" in text and "invalid_probability" in text, text
    assert result is None


def test_pinned_as_of_and_unknown_supplier_on_the_driver(session: Any) -> None:
    p = riskrating.sample_portfolio(300)
    tables = arrow.portfolio_to_arrow(p)
    d = tables["dependencies"]
    sup = d.column("supplier").to_pylist()
    sup[0] = "NO-SUCH-SUPPLIER"
    tables["dependencies"] = d.set_column(d.column_names.index("supplier"), "supplier", pa.array(sup))
    with pytest.raises(riskrating.InputError) as info:
        spark.rate_result(as_of=p.as_of, **frames(session, tables))
    assert info.value.code == "unknown_supplier" and info.value.path == "dependencies[0].supplier"
    # A different as_of gives the single-process rating at that date, not the executor's clock.
    q = riskrating.Portfolio({**p.to_dict(), "as_of": "2025-12-31"})
    got = spark.rate_result(as_of="2025-12-31", **frames(session, arrow.portfolio_to_arrow(p)))
    assert rated(got) == rated(riskrating.rate(q))


def _bits(a: Any) -> bytes:
    import numpy as np

    return np.ascontiguousarray(a, dtype="<f8").tobytes()


@pytest.mark.parametrize("mode, partitions", [("compound", 3), ("expected", None)])
def test_spark_simulation_equals_simulate_bit_for_bit(session: Any, mode: str, partitions: Any) -> None:
    # Five scenarios over 3 (or defaultParallelism) partitions, two from ratings, an organisation
    # with two scenarios; 20,000 trials = 3 chunks of 8,192 per scenario, the last one partial.
    result = riskrating.rate(riskrating.sample_portfolio(60, seed=5))
    a, b = result.ids[0], result.ids[1]
    scenarios = [
        {"name": "ransomware", "frequency": {"from_rating": a},
         "primary_loss": {"type": "lognormal_ci", "low": 1e5, "high": 1e7}},
        {"name": "supplier", "frequency": {"from_rating": b}, "primary_loss": 2.5e5},
        {"name": "outage", "organisation": a, "frequency": {"lef": {"type": "pert", "min": 0.1, "mode": 0.4, "max": 2}},
         "primary_loss": {"type": "triangular", "min": 1e3, "mode": 5e3, "max": 9e4},
         "secondary": {"probability": 0.3, "loss": {"type": "uniform", "min": 0, "max": 5e4}}},
        {"name": "phishing", "frequency": {"tef": 12, "vulnerability": {"type": "uniform", "min": 0, "max": 0.2}},
         "primary_loss": {"type": "normal", "mean": 2e4, "sd": 5e3}},
        {"name": "fraud", "frequency": {"lef": 0.05}, "primary_loss": {"type": "pert", "min": 1e4, "mode": 1e5, "max": 1e6}},
    ]
    want = riskrating.quant.simulate(scenarios, n=20_000, seed=9, mode=mode, ratings=result)
    got = spark.simulate(session, scenarios, n=20_000, seed=9, mode=mode, ratings=result, partitions=partitions)
    assert isinstance(got, riskrating.quant.Simulation)
    assert (got.trials, got.seed, got.mode) == (want.trials, want.seed, want.mode)
    assert _bits(got.losses) == _bits(want.losses)
    for s in scenarios:
        assert _bits(got.scenario_losses(s["name"])) == _bits(want.scenario_losses(s["name"])), s["name"]
    assert got.report() == want.report()


def test_spark_simulation_checks_its_input_on_the_driver(session: Any) -> None:
    bad = [{"name": "x", "frequency": {"lef": 1}, "primary_loss": {"type": "pert", "min": 5, "mode": 1, "max": 9}}]
    with pytest.raises(riskrating.SimulationError) as info:
        spark.simulate(session, bad, n=100)
    assert info.value.path == "scenarios[0].primary_loss.mode"


def test_spark_notebook_runs(tmp_path: Any) -> None:
    """examples/notebooks/spark.ipynb runs headlessly top to bottom. Its kernel is another process,
    so it has a SparkSession of its own (the one exception to one session per run)."""
    import shutil
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    notebook = Path(__file__).resolve().parents[2] / "examples" / "notebooks" / "spark.ipynb"
    copy = tmp_path / notebook.name
    shutil.copy(notebook, copy)
    nb = nbformat.read(copy, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    texts = [o.get("data", {}).get("text/plain", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert any("identical to the single-process rating" in t for t in texts)
