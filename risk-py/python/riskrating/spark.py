"""Ratings on Spark: a Spark DataFrame of evidence in, a Spark DataFrame of ratings out.

The per-organisation half of the rating (evidence → factor beliefs → internal probability,
:func:`riskrating.rate_internal`) runs on the executors in ``mapInArrow``, the evidence hashed by
``organisation`` so that each organisation's rows meet in one partition; the graph half
(supply-chain fixed point, scores, peer groups, supplier exposure,
:func:`riskrating.rate_from_internal`) runs on the driver from the per-organisation results.
Those travel to the driver as an Arrow string column (JSON text, about 3 KB per organisation)
that the engine reads straight from the Arrow buffers
(:func:`riskrating.arrow.rate_from_internal_arrow`, no Python string per organisation). The
driver collects them whole: ``spark.driver.maxResultSize`` (1 GiB by default) and the driver
JVM's heap must hold them, about 3 GB per million organisations.
The result equals :func:`riskrating.rate` on the same evidence bit for bit. ``as_of`` and the
methodology are pinned in the job (shipped to the executors, checked again on the driver), never
taken from an executor's clock.

Tables are the long tables of :mod:`riskrating.arrow` (``organisations`` required, then
``assessments``, ``metrics``, ``findings``, ``dependencies``, ``groups``), as Spark DataFrames.
Dependencies and groups are graph data: they go to the driver with the organisations table, the
evidence tables to the executors. A bad row fails the job with :class:`riskrating.InputError` text naming the table, row (within its partition),
column and organisation; nothing is returned then (the result is assembled on the driver only
after every partition succeeded).

:func:`simulate` runs the loss simulation of :func:`riskrating.quant.simulate` with its scenarios
spread over the executors. Every (scenario, chunk of trials) draws from its own stream of the
seed, so an executor simulating some scenarios draws exactly what the single-process run draws
for them; the driver adds the scenarios' losses in document order, and the :class:`Simulation`
equals :func:`riskrating.quant.simulate` bit for bit, however the scenarios are partitioned.
"""

from __future__ import annotations

import importlib
from functools import reduce
from typing import Any, Dict, Iterator, List, Optional

from ._riskrating import (
    Methodology,
    PortfolioRating,
    Simulation,
    _simulation_from_scenarios,
    _simulation_input,
    rate_internal,
    table_schema,
)
from .arrow import portfolio_from_arrow, rate_from_internal_arrow, rating_to_arrow

__all__ = ["rate", "rate_result", "simulate"]

_SPARK_TYPES = {"text": "string", "date": "string", "number": "double", "integer": "bigint", "flag": "boolean"}
_EVIDENCE = ("organisations", "assessments", "metrics", "findings")
_TABLE = "__riskrating_table"


def _internal_job(frames: Dict[str, Any], as_of: str, methodology_json: str, partitions: Optional[int]) -> Any:
    """The Spark DataFrame ``(organisation, internal)`` of per-organisation results (lazy)."""
    F = importlib.import_module("pyspark.sql.functions")

    types = {t: {c: ty for c, ty, _ in cols} for t, cols in table_schema()}
    columns: Dict[str, List[str]] = {}
    parts = []
    for name in _EVIDENCE:
        df = frames.get(name)
        if df is None:
            continue
        columns[name] = list(df.columns)
        sel = [
            F.col(c).cast(_SPARK_TYPES[types[name][c]] if c in types[name] else "string").alias(c)
            for c in df.columns
        ]
        parts.append(df.select(*sel, F.lit(name).alias(_TABLE)))
    long = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), parts)
    n = partitions or long.sparkSession.sparkContext.defaultParallelism
    long = long.repartition(n, "organisation")

    def per_partition(batches: Iterator[Any]) -> Iterator[Any]:
        pa = importlib.import_module("pyarrow")
        pc = importlib.import_module("pyarrow.compute")

        from . import Methodology as M
        from . import rate_internal as ri
        from .arrow import portfolio_from_arrow as pfa

        t = pa.Table.from_batches(list(batches))
        if t.num_rows == 0:
            return
        tables = {name: t.filter(pc.equal(t[_TABLE], name)).select(cols) for name, cols in columns.items()}
        m = M.from_json(methodology_json)
        portfolio = pfa(as_of, tables.pop("organisations"), methodology=m, **tables)
        out = ri(portfolio, m)
        yield pa.RecordBatch.from_pydict(
            {"organisation": [i for i, _ in out], "internal": [j for _, j in out]},
            schema=pa.schema([("organisation", pa.string()), ("internal", pa.string())]),
        )

    return long.mapInArrow(per_partition, "organisation string, internal string")


def rate_result(
    organisations: Any,
    assessments: Any = None,
    metrics: Any = None,
    findings: Any = None,
    dependencies: Any = None,
    groups: Any = None,
    *,
    as_of: str,
    methodology: Optional[Methodology] = None,
    partitions: Optional[int] = None,
) -> PortfolioRating:
    """Rate Spark DataFrames of evidence; the whole :class:`PortfolioRating` on the driver
    (drivers, factors, peer groups, suppliers), equal to :func:`riskrating.rate` bit for bit."""
    m = methodology or Methodology.default()
    frames = {"organisations": organisations, "assessments": assessments, "metrics": metrics, "findings": findings}
    # The per-organisation results reach the driver as one Arrow string column (about 3 KB of
    # JSON per organisation), read by the engine straight from its buffers: no Python string
    # per organisation (BENCHMARKS.md, "Spark", says what that saves).
    internal = _internal_job(frames, str(as_of), m.to_json(), partitions).toArrow()
    graph_tables: Dict[str, Any] = {}
    if dependencies is not None:
        graph_tables["dependencies"] = dependencies.toArrow()
    if groups is not None:
        graph_tables["groups"] = groups.toArrow()
    orgs = organisations.toArrow()
    graph = portfolio_from_arrow(str(as_of), orgs, methodology=m, **graph_tables)
    del orgs, graph_tables
    return rate_from_internal_arrow(graph, internal.column("organisation"), internal.column("internal"), m)


def rate(
    organisations: Any,
    assessments: Any = None,
    metrics: Any = None,
    findings: Any = None,
    dependencies: Any = None,
    groups: Any = None,
    *,
    as_of: str,
    methodology: Optional[Methodology] = None,
    partitions: Optional[int] = None,
) -> Any:
    """Rate Spark DataFrames of evidence; a Spark DataFrame of ratings, one row per organisation
    with the columns of :meth:`PortfolioRating.to_frame`."""
    result = rate_result(
        organisations,
        assessments,
        metrics,
        findings,
        dependencies,
        groups,
        as_of=as_of,
        methodology=methodology,
        partitions=partitions,
    )
    return organisations.sparkSession.createDataFrame(rating_to_arrow(result))


def simulate(
    session: Any,
    scenarios: Any,
    n: Optional[int] = None,
    seed: int = 0,
    mode: str = "compound",
    ratings: Optional[PortfolioRating] = None,
    *,
    partitions: Optional[int] = None,
) -> Simulation:
    """:func:`riskrating.quant.simulate` on Spark: the scenarios partitioned across executors
    (``partitions`` of them, by default one per core up to one per scenario), each simulated
    with its own streams of ``seed``; the :class:`Simulation` (on the driver) equals the
    single-process one bit for bit. Arguments as :func:`riskrating.quant.simulate`; the input is
    checked on the driver before any job runs, and ``ratings`` (a :class:`PortfolioRating`) stays
    on the driver: its figures travel in the input document.
    """
    if n is None:
        document, count = _simulation_input(scenarios, seed=seed, mode=mode, ratings=ratings)
    else:
        document, count = _simulation_input(scenarios, n, seed=seed, mode=mode, ratings=ratings)
    k = max(1, min(count, partitions or session.sparkContext.defaultParallelism))

    def per_partition(batches: Iterator[Any]) -> Iterator[Any]:
        pa = importlib.import_module("pyarrow")
        np = importlib.import_module("numpy")

        from ._riskrating import _simulate_scenarios

        indices = [i for b in batches for i in b.column(0).to_pylist()]
        if not indices:
            return
        for i, losses in zip(indices, _simulate_scenarios(document, indices)):
            yield pa.RecordBatch.from_pydict(
                {"scenario": [i], "losses": [np.ascontiguousarray(losses, dtype="<f8").tobytes()]},
                schema=pa.schema([("scenario", pa.int64()), ("losses", pa.binary())]),
            )

    parts = (
        session.range(0, count, 1, numPartitions=k)
        .mapInArrow(per_partition, "scenario bigint, losses binary")
        .toArrow()
    )
    np = importlib.import_module("numpy")
    by_scenario = dict(zip(parts.column("scenario").to_pylist(), parts.column("losses").to_pylist()))
    losses = [np.frombuffer(by_scenario[i], dtype="<f8") for i in range(count)]
    return _simulation_from_scenarios(document, losses)
