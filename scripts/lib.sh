# Shared helpers for the test scripts (sourced, not run).

# Run as root, or through sudo when available.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "need root (or sudo) to run: $*" >&2; return 1; fi
}

APT_UPDATED=${APT_UPDATED:-}
# Install Debian packages that are not installed yet.
ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Make sure `python3 -m venv` works (Debian splits venv/ensurepip into python3-venv).
ensure_python_venv() {
  if ! command -v python3 >/dev/null 2>&1; then ensure_apt python3; fi
  if ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then ensure_apt python3-venv; fi
}

# Create (once) a venv at $1 and install the given PyPI packages into it if any import is missing.
# Usage: ensure_venv DIR "import-check-statement" pkg...
ensure_venv() {
  local dir=$1 check=$2; shift 2
  ensure_python_venv
  [ -x "$dir/bin/python" ] || python3 -m venv "$dir"
  if ! "$dir/bin/python" -c "$check" >/dev/null 2>&1; then
    "$dir/bin/pip" install --quiet --upgrade pip >/dev/null
    "$dir/bin/pip" install --quiet "$@"
  fi
}
