"""Draw the worked example's pictures in docs/calibration.md (reliability diagram, band chart).

    cargo build --release --example calibration_world
    .venv/bin/python docs/figures/calibration_example.py

Generates the synthetic world of the worked example (seed 1, 300 organisations) with the Rust
example, calibrates it through the Python binding (``riskrating.calibrate``) and writes
``docs/figures/calibration-reliability.svg`` and ``docs/figures/calibration-bands.svg``. Every
figure drawn is the report's; nothing is recomputed here.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import riskrating  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "figures"


def main() -> int:
    world = ROOT / "target" / "release" / "examples" / "calibration_world"
    if not world.exists():
        print(f"{world} is missing: cargo build --release --example calibration_world", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([str(world), "--seed", "1", "--organisations", "300", "--out", tmp], check=True,
                       stdout=subprocess.DEVNULL)
        files = [Path(tmp) / n for n in ("portfolio.json", "incidents.json", "config.json")]
        report = riskrating.calibrate(*files)
    plt.rcParams["svg.hashsalt"] = "riskrating"  # stable ids: the files only change with the figures
    for name, draw, title in (
        ("calibration-reliability.svg", report.plot_reliability, "Reliability (worked example)"),
        ("calibration-bands.svg", report.plot_bands, "Incident rate by band (worked example)"),
    ):
        fig, ax = plt.subplots(figsize=(6, 4))
        draw(ax)
        ax.set_title(title)
        fig.tight_layout()
        fig.savefig(OUT / name, metadata={"Date": None})
        plt.close(fig)
        print(f"wrote {OUT / name}")
    print(repr(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
