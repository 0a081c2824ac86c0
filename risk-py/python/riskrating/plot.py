"""Plots for notebooks (matplotlib, the ``plot`` extra: ``pip install riskrating[plot]``).

Each function draws on the given ``ax`` (or a new figure's) and returns the axes. They only draw
what the engine computed; nothing is re-estimated here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Tuple

try:
    import matplotlib.pyplot as plt
except ImportError:  # pragma: no cover - exercised only without matplotlib
    raise ImportError(
        "riskrating.plot needs matplotlib: pip install 'riskrating[plot]'"
    ) from None

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ._riskrating import MethodologyComparison, PortfolioRating, Rating, Simulation

__all__ = ["score_distribution", "factors", "exceedance", "band_migrations"]


def _axes(ax: Optional["Axes"], size: Tuple[float, float]) -> "Axes":
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=size)
    return new


def score_distribution(result: "PortfolioRating", ax: Optional["Axes"] = None) -> "Axes":
    """Scores by peer group: one box per group (quartiles from the scores), with every
    organisation as a dot.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = riskrating.plot.score_distribution(riskrating.rate(riskrating.sample_portfolio(120)))
    >>> ax.get_xlabel()
    'score (250 worst - 900 best)'
    """
    frame = result.to_frame()
    groups = sorted(frame["peer_group"].unique())
    data = [frame.loc[frame["peer_group"] == g, "score"].to_numpy() for g in groups]
    ax = _axes(ax, (8, 0.45 * max(len(groups), 1) + 1.5))
    if groups:
        try:
            ax.boxplot(data, orientation="horizontal", showfliers=False, widths=0.6)
        except TypeError:  # matplotlib < 3.10
            ax.boxplot(data, vert=False, showfliers=False, widths=0.6)
        for i, values in enumerate(data, start=1):
            jitter = [i + 0.18 * (((k * 7919) % 101) / 100 - 0.5) for k in range(len(values))]
            ax.scatter(values, jitter, s=6, alpha=0.5, color="tab:blue")
        ax.set_yticks(range(1, len(groups) + 1))
        ax.set_yticklabels([f"{g} (n={len(d)})" for g, d in zip(groups, data)])
    ax.set_xlabel("score (250 worst - 900 best)")
    ax.set_title(f"Scores by peer group, as of {result.as_of}")
    return ax


def factors(rating: "Rating", ax: Optional["Axes"] = None) -> "Axes":
    """One organisation's factors: the mean effectiveness of each with its 90% interval
    (5%-95% of the belief), and the points each leaves on the table.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> r = riskrating.rate(riskrating.sample_portfolio(120))[0]
    >>> ax = riskrating.plot.factors(r)
    >>> len(ax.get_yticklabels()) == len(r.factors)
    True
    """
    fs = rating.factors
    ax = _axes(ax, (8, 0.35 * len(fs) + 1.5))
    ys = list(range(len(fs)))[::-1]
    means = [f.mean for f in fs]
    lower = [f.mean - f.lower for f in fs]
    upper = [f.upper - f.mean for f in fs]
    ax.barh(ys, means, color="tab:blue", alpha=0.6, height=0.6)
    ax.errorbar(means, ys, xerr=[lower, upper], fmt="none", ecolor="black", capsize=3, lw=1)
    for y, f in zip(ys, fs):
        ax.text(1.02, y, f"{f.points:+.1f} pts", va="center", fontsize=8, transform=ax.get_yaxis_transform())
    ax.set_yticks(ys)
    ax.set_yticklabels([f.id for f in fs])
    ax.set_xlim(0, 1)
    ax.set_xlabel("control effectiveness (mean, 90% interval)")
    ax.set_title(f"{rating.id}: score {rating.score:.0f} ({rating.band}), "
                 f"90% interval {rating.interval[0]:.0f}-{rating.interval[1]:.0f}")
    return ax



def exceedance(
    simulation: "Simulation", points: int = 50, ax: Optional["Axes"] = None, label: Optional[str] = None
) -> "Axes":
    """The loss exceedance curve of a simulation: P(annual loss > x) against x (log scale), at
    ``points`` log-spaced losses, with VaR(95%) and VaR(99%) marked.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> sim = riskrating.quant.simulate([{"name": "a", "frequency": {"lef": 0.8},
    ...     "primary_loss": {"type": "lognormal_ci", "low": 1e4, "high": 1e6}}], n=10_000, seed=3)
    >>> ax = riskrating.plot.exceedance(sim)
    >>> ax.get_xscale(), len(ax.lines[0].get_xdata())
    ('log', 50)
    """
    curve = simulation.exceedance(points)
    ax = _axes(ax, (8, 4.5))
    ax.plot(curve["loss"], curve["probability"], marker=".", label=label)
    for q, style in ((0.95, "--"), (0.99, ":")):
        v = simulation.var(q)
        if v > 0:
            ax.axvline(v, color="grey", linestyle=style, lw=1)
            ax.text(v, 0.98, f" VaR {q:.0%}", rotation=90, va="top", fontsize=8,
                    transform=ax.get_xaxis_transform())
    ax.set_xscale("log")
    ax.set_ylim(0, max(0.05, float(curve["probability"].max()) * 1.05) if len(curve) else 1)
    ax.set_xlabel("annual loss (log scale)")
    ax.set_ylabel("P(annual loss > x)")
    ax.set_title(f"Loss exceedance curve ({simulation.trials:,} simulated years, {simulation.mode})")
    ax.grid(True, which="both", alpha=0.3)
    if label is not None:
        ax.legend()
    return ax


def band_migrations(comparison: "MethodologyComparison", ax: Optional["Axes"] = None) -> "Axes":
    """Band migrations between two methodologies: organisations per (old band, new band), old
    bands as rows, new as columns, the diagonal (no move) outlined.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> m = riskrating.Methodology.default()
    >>> ax = riskrating.plot.band_migrations(riskrating.compare_methodologies(riskrating.sample_portfolio(50), m, m))
    >>> ax.get_ylabel()
    'band under the old methodology'
    """
    rows = comparison.to_dict()["organisations"]
    bands = sorted({r["band_old"] for r in rows} | {r["band_new"] for r in rows})
    index = {b: i for i, b in enumerate(bands)}
    counts = [[0] * len(bands) for _ in bands]
    for r in rows:
        counts[index[r["band_old"]]][index[r["band_new"]]] += 1
    ax = _axes(ax, (5.0, 4.5))
    ax.imshow(counts, cmap="Blues")
    for i, row in enumerate(counts):
        for j, n in enumerate(row):
            if n:
                ax.text(j, i, str(n), ha="center", va="center",
                        fontweight="bold" if i == j else "normal")
    ax.set_xticks(range(len(bands)), bands)
    ax.set_yticks(range(len(bands)), bands)
    ax.set_xlabel("band under the new methodology")
    ax.set_ylabel("band under the old methodology")
    ax.set_title(f"{len(rows)} organisations: {sum(counts[i][i] for i in range(len(bands)))} keep their band")
    return ax
