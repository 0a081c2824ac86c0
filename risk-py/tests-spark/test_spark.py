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
