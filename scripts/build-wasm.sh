#!/usr/bin/env bash
# Build the npm package `riskrating` from risk-wasm into risk-wasm/pkg/ (Node and browser builds,
# hand-written TypeScript types, the JSON Schema of the input document) and copy the browser
# build into examples/portal/riskrating/ for the portal page.
#
# Toolchain: a rustup toolchain with the wasm32-unknown-unknown target (`rustup target add`
# is tried). Where that target cannot be added (an offline machine), Debian's rustc-web/cargo-web
# with rust-web-src and lld are used instead (installed with apt-get when missing), building std
# from source into target/wasm-debian so the two builds never share a target directory.
# Force one with RISKRATING_WASM_TOOLCHAIN=rustup|debian.
#
# `build-wasm.sh --panic-test` instead builds, for the tests only, a Node build with the
# `panic-test` feature (an export that panics on purpose) into risk-wasm/pkg-panic-test/, sharing
# the target directory (only risk-wasm and the link are rebuilt).
#
# wasm-bindgen-cli is installed at exactly the wasm-bindgen version in Cargo.lock.
# Idempotent: cargo and the version checks make a second run fast. Exits non-zero on failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET=wasm32-unknown-unknown
PROFILE=wasm-release
PKG="$ROOT/risk-wasm/pkg"
PORTAL_PKG="$ROOT/examples/portal/riskrating"
say() { echo "build-wasm: $*" >&2; }

PANIC_TEST=0
case "${1:-}" in
"") ;;
--panic-test) PANIC_TEST=1 ;;
*) say "usage: build-wasm.sh [--panic-test]"; exit 2 ;;
esac
FEATURES=()
RUSTUP_TARGET_DIR="$ROOT/target"
DEBIAN_TARGET_DIR="$ROOT/target/wasm-debian"
if [ "$PANIC_TEST" = 1 ]; then
    FEATURES=(--features panic-test)
    # The same target directory as the package build: only risk-wasm itself and the LTO link are
    # built again (std from source, serde and risk-core are shared), which saves a whole build
    # in every fresh CI run (issue 14). A later package build re-links risk-wasm likewise.
fi

if [ -d "$HOME/.cargo/bin" ]; then export PATH="$HOME/.cargo/bin:$PATH"; fi

# --- 1. the .wasm -------------------------------------------------------------------------
rustup_target_ready() {
    command -v rustup >/dev/null 2>&1 || return 1
    rustup target list --installed 2>/dev/null | grep -qx "$TARGET" && return 0
    say "adding the $TARGET target with rustup"
    timeout 300 rustup target add "$TARGET" >&2 || return 1
    rustup target list --installed 2>/dev/null | grep -qx "$TARGET"
}

# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
ensure_debian_toolchain() {
    ensure_apt rustc-web cargo-web rust-web-src lld-22 >&2
}

toolchain="${RISKRATING_WASM_TOOLCHAIN:-auto}"
if [ "$toolchain" = auto ]; then
    if rustup_target_ready; then toolchain=rustup; else
        say "no rustup $TARGET target here: falling back to Debian's rustc-web toolchain"
        toolchain=debian
    fi
fi

case "$toolchain" in
rustup)
    rustup_target_ready || { say "the rustup $TARGET target is not available"; exit 1; }
    say "building risk-wasm with $(rustc --version)"
    CARGO_TARGET_DIR="$RUSTUP_TARGET_DIR" \
        cargo build --profile "$PROFILE" --target "$TARGET" -p risk-wasm "${FEATURES[@]}"
    WASM="$RUSTUP_TARGET_DIR/$TARGET/$PROFILE/risk_wasm.wasm"
    ;;
debian)
    ensure_debian_toolchain
    WASM_LD=/usr/lib/llvm-22/bin/wasm-ld
    [ -x "$WASM_LD" ] || { say "$WASM_LD not found"; exit 1; }
    say "building risk-wasm with $(/usr/bin/rustc --version) and -Zbuild-std"
    env PATH="/usr/bin:$PATH" RUSTC_BOOTSTRAP=1 \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$WASM_LD" \
        CARGO_TARGET_DIR="$DEBIAN_TARGET_DIR" \
        /usr/bin/cargo build --profile "$PROFILE" --target "$TARGET" \
        -Zbuild-std=std,panic_abort -p risk-wasm "${FEATURES[@]}"
    WASM="$DEBIAN_TARGET_DIR/$TARGET/$PROFILE/risk_wasm.wasm"
    ;;
*)
    say "RISKRATING_WASM_TOOLCHAIN must be auto, rustup or debian, not '$toolchain'"
    exit 2
    ;;
esac
[ -f "$WASM" ] || { say "expected $WASM after the build"; exit 1; }

# Nothing in the wasm build may reach for an OS random source.
host_cargo=cargo
command -v cargo >/dev/null 2>&1 || host_cargo=/usr/bin/cargo
deps="$("$host_cargo" tree -p risk-wasm --target "$TARGET" -e normal --prefix none)"
if grep -q '^getrandom ' <<< "$deps"; then
    say "getrandom is in the wasm dependency tree; keep it out (see cargo tree -i getrandom --target $TARGET)"
    exit 1
fi

# --- 2. wasm-bindgen, pinned to Cargo.lock ------------------------------------------------------
BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)"
[ -n "$BINDGEN_VERSION" ] || { say "no wasm-bindgen in Cargo.lock"; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $BINDGEN_VERSION"
    "$host_cargo" install wasm-bindgen-cli --version "$BINDGEN_VERSION" >&2
fi

if [ "$PANIC_TEST" = 1 ]; then
    OUT="$ROOT/risk-wasm/pkg-panic-test"
    rm -rf "$OUT"
    wasm-bindgen --target nodejs --no-typescript --out-dir "$OUT" "$WASM"
    echo '{"type": "commonjs"}' > "$OUT/package.json"
    echo '{"type": "module"}' > "$OUT/snippets/package.json"
    say "built the panic-test Node build in $OUT"
    exit 0
fi

rm -rf "$PKG"
mkdir -p "$PKG"
# The name section (function names for stack traces and profiles) is a quarter of the file; the
# package ships without it. (The panic-test build above keeps it.)
wasm-bindgen --target nodejs --no-typescript --remove-name-section --out-dir "$PKG/node" "$WASM"
wasm-bindgen --target web --no-typescript --remove-name-section --out-dir "$PKG/web" "$WASM"
# Node treats node/ as CommonJS and web/ as ES modules whatever the package root says; the
# JS snippets (src/to_json.js) are ES modules in both, which the CommonJS glue require()s
# (Node >= 20.19).
echo '{"type": "commonjs"}' > "$PKG/node/package.json"
echo '{"type": "module"}' > "$PKG/node/snippets/package.json"
echo '{"type": "module"}' > "$PKG/web/package.json"

# --- 3. types, schema, package.json -------------------------------------------------------------
cp risk-wasm/js/types.d.ts risk-wasm/js/node.d.ts risk-wasm/js/web.d.ts risk-wasm/js/README.md "$PKG/"
"$host_cargo" run --quiet -p risk-core --features schema --example input_schema > "$PKG/portfolio.schema.json"
VERSION="$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)"
sed "s/\"version\": \"0.0.0\"/\"version\": \"$VERSION\"/" risk-wasm/js/package.json > "$PKG/package.json"

# --- 4. the portal's copy of the browser build ----------------------------------------------------
rm -rf "$PORTAL_PKG"
mkdir -p "$PORTAL_PKG"
cp -r "$PKG/web" "$PKG/portfolio.schema.json" "$PORTAL_PKG/"

raw=$(wc -c < "$PKG/web/risk_wasm_bg.wasm")
gz=$(gzip -9c "$PKG/web/risk_wasm_bg.wasm" | wc -c)
say "built $PKG ($toolchain toolchain): risk_wasm_bg.wasm $raw bytes, $gz bytes gzipped (-9)"
