"""Packaging: the stubs match the runtime (mypy.stubtest), type-check an analyst's script, and
the built wheel installs and works in a fresh virtual environment."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

from conftest import REPO


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True)


def test_stubtest(tmp_path: Path) -> None:
    out = _run(sys.executable, "-m", "mypy.stubtest", "riskrating", "--mypy-config-file", os.devnull, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr


def test_package_passes_mypy_strict(tmp_path: Path) -> None:
    out = _run(sys.executable, "-m", "mypy", "--strict", "-p", "riskrating", cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_checks_a_script_against_the_stubs(tmp_path: Path) -> None:
    script = tmp_path / "analysis.py"
    script.write_text(textwrap.dedent('''
        import riskrating
        result = riskrating.rate({"as_of": "2025-09-30", "organisations": []})
        score: float = result["RBS"].score
        lo, hi = result["RBS"].interval
        frame = result.to_frame()
        bad: str = result["RBS"].score
    '''))
    out = _run(sys.executable, "-m", "mypy", "--strict", str(script), cwd=tmp_path)
    # The only error is the deliberate one: the stubs carry real types.
    assert out.returncode == 1, out.stdout
    errors = [l for l in out.stdout.splitlines() if ": error:" in l]
    assert len(errors) == 1 and "analysis.py:7" in errors[0], out.stdout


def _wheel() -> Path:
    env = os.environ.get("RISKRATING_WHEEL")
    if not env:
        pytest.fail("RISKRATING_WHEEL is not set: run the suite with scripts/test-python.sh, which builds the wheel")
    path = Path(env)
    assert path.is_file(), path
    return path


def test_wheel_installs_into_a_fresh_venv(tmp_path: Path, small_path: Path) -> None:
    wheel = _wheel()
    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    py = env_dir / "bin" / "python"
    out = _run(str(py), "-m", "pip", "install", "-q", str(wheel))
    assert out.returncode == 0, out.stdout + out.stderr
    check = textwrap.dedent(f'''
        import importlib.resources, pathlib, sys
        import riskrating
        pkg = importlib.resources.files("riskrating")
        assert (pkg / "py.typed").is_file() and (pkg / "_riskrating.pyi").is_file()
        assert pathlib.Path(riskrating.__file__).resolve().is_relative_to(pathlib.Path(sys.prefix).resolve())
        r = riskrating.rate(pathlib.Path({str(small_path)!r}))
        # matplotlib is an optional extra: without it, only riskrating.plot is unavailable.
        try:
            import riskrating.plot
        except ImportError as e:
            assert "riskrating[plot]" in str(e), e
        else:
            raise AssertionError("matplotlib should not be installed without the plot extra")
        print(r.to_json())
        print(len(r.to_frame()))
    ''')
    out = _run(str(py), "-c", check, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    text, rows = out.stdout.splitlines()
    import riskrating

    assert text == riskrating.rate(small_path).to_json()
    assert rows == "3"
