"""`to_json()` is byte-for-byte the Rust example's `--json` output on the same file."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import riskrating
from conftest import REPO


def _rust_json(*args: object) -> str:
    out = subprocess.run(
        ["cargo", "run", "--release", "--locked", "--quiet", "--example", "rate", "--", *map(str, args), "--json"],
        cwd=REPO, check=True, capture_output=True, text=True,
        env=dict(os.environ, CARGO_TERM_COLOR="never"),
    )
    return out.stdout.rstrip("\n")


def test_small_document_matches_rust(small_path):
    rust = _rust_json(small_path)
    assert riskrating.rate(small_path).to_json() == rust
    assert riskrating.rate(small_path).to_dict() == json.loads(rust)


def test_large_document_matches_rust(large_path):
    rust = _rust_json(large_path)
    assert riskrating.rate(large_path).to_json() == rust


def test_bundled_sample_matches_rust():
    # Without a file the example rates the bundled sample (300 organisations, seed 42).
    assert riskrating.rate(riskrating.sample_portfolio()).to_json() == _rust_json()
    assert riskrating.rate(riskrating.sample_portfolio(1000, seed=3)).to_json() == _rust_json(
        "--organisations", 1000, "--seed", 3)
