#!/usr/bin/env bash
# Python suite: build the abi3 wheel of the `riskrating` package with maturin, install it into
# .venv, and run pytest over risk-py/tests: API, errors, parity with the Rust example's --json,
# GIL release, doctests, mypy.stubtest, the quickstart notebook (nbclient) and the wheel in a
# fresh venv. Installs what it needs (python3-venv via apt if missing, packages from PyPI),
# is idempotent, skips nothing, and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
REQ="$ROOT/risk-py/requirements-test.txt"

source scripts/lib.sh

echo "== Python toolchain"
ensure_python_venv
python3 -c 'import sys; assert sys.version_info >= (3, 9), sys.version' || {
  echo "python3 >= 3.9 is required"; exit 1; }
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
PY="$VENV/bin/python"
"$PY" --version

# Install the pinned test requirements when they changed since the last run.
stamp="$VENV/.requirements.sha256"
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "== installing test requirements into .venv"
  "$PY" -m pip install -q --upgrade pip
  "$PY" -m pip install -q -r "$REQ"
  echo "$want" > "$stamp"
fi

echo "== building the abi3 wheel (maturin, release)"
WHEELS="$ROOT/target/wheels"
rm -f "$WHEELS"/riskrating-*.whl
"$VENV/bin/maturin" build --release --locked -m risk-py/Cargo.toml -o "$WHEELS" -i "$PY"
WHEEL=$(ls "$WHEELS"/riskrating-*-abi3-*.whl)
echo "wheel: $WHEEL"
"$PY" - "$WHEEL" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = {"riskrating/__init__.py", "riskrating/py.typed", "riskrating/_riskrating.pyi"}
missing = need - names
assert not missing, f"wheel lacks {missing}"
assert any(n.startswith("riskrating/_riskrating") and n.endswith(".so") for n in names), names
assert not [n for n in names if n.endswith(".pyc")], "bytecode in the wheel"
print("wheel contents: ok (" + ", ".join(sorted(need)) + ", native module)")
PY
"$PY" -m pip install -q --force-reinstall --no-deps "$WHEEL"

echo "== building the Rust examples the parity tests compare against"
cargo build --release --locked --example rate --example quant_sim

echo "== pytest"
export RISKRATING_WHEEL="$WHEEL"
cd "$ROOT/risk-py/tests"
"$PY" -m pytest -p no:cacheprovider -ra "$@"
