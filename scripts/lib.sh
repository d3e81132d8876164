# Shared by scripts/run, scripts/test, scripts/build and scripts/bench-size. Installs what a fresh
# machine (Rust toolchain, node/npm, Debian) lacks, idempotently: a second run reuses it all.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# `cargo install` puts wasm-bindgen here; make sure we find it even if the shell profile did not.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Built site (WASM, JS glue, CSS) lives in the clone, whatever the cargo target dir.
export HAVEN_SITE_ROOT="${HAVEN_SITE_ROOT:-$ROOT/target/site}"
WASM_BINDGEN_VERSION="0.2.130" # must equal `wasm-bindgen` in Cargo.toml's [workspace.dependencies]

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_wasm_bindgen() {
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes, once)"
    # Not --locked: its lockfile names a webpki-roots release no longer in the index.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

# wasm-opt from npm's binaryen (Debian's binaryen 108 produces WASM that breaks at run time).
ensure_build_tools() {
  if [ ! -x scripts/node_modules/.bin/wasm-opt ] || [ ! -x scripts/node_modules/.bin/terser ]; then
    log "installing build tools (npm ci in scripts/)"
    (cd scripts && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# webauthn-rs (passkeys) links the system OpenSSL: its headers and pkg-config.
ensure_native_deps() {
  if ! pkg-config --exists openssl 2>/dev/null; then
    log "installing Debian's libssl-dev and pkg-config (for passkeys)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libssl-dev pkg-config >/dev/null
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    log "installing Debian's chromium (for the end-to-end tests)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

ensure_e2e_deps() {
  if [ ! -d end2end/node_modules/@playwright/test ]; then
    log "installing the end-to-end test runner (npm ci in end2end/)"
    (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# The browser side: WASM (size-optimised profile), JS glue, wasm-opt, minified JS, CSS.
build_site() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_build_tools
  log "building the browser bundle (frontend → WASM)"
  # A separate target dir: one cargo invocation for server and WASM would unify app's features.
  cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release \
    --target-dir "$CARGO_TARGET_DIR/front"
  local pkg="$HAVEN_SITE_ROOT/pkg"
  mkdir -p "$pkg"
  wasm-bindgen --target web --no-typescript --out-name haven --out-dir "$pkg" \
    "$CARGO_TARGET_DIR/front/wasm32-unknown-unknown/wasm-release/frontend.wasm"
  scripts/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    -o "$pkg/haven_bg.wasm" "$pkg/haven_bg.wasm"
  scripts/node_modules/.bin/terser "$pkg/haven.js" --module --compress --mangle -o "$pkg/haven.js"
  cp style/main.css "$pkg/haven.css"
  if [ -d public ]; then cp -r public/. "$HAVEN_SITE_ROOT/"; fi
  # The service worker's cache is named after the bundle: a new build is a new release.
  local version
  version="$(cat "$pkg"/haven.js "$pkg"/haven_bg.wasm "$pkg"/haven.css | sha256sum | cut -c1-16)"
  sed -i "s/__HAVEN_VERSION__/$version/" "$HAVEN_SITE_ROOT/sw.js"
}

# A SurrealDB server binary (tools/surreal: SurrealDB's own `surreal` CLI at the app's version), for
# the tests that claim remote support. Built once into a target dir outside the clone (about 15
# minutes cold on two cores), then reused.
ensure_surreal() {
  local target="${HAVEN_SURREAL_TARGET:-$HOME/.cache/haven/surreal-target}"
  SURREAL_BIN="$target/release/surreal"
  if [ ! -x "$SURREAL_BIN" ] || [ tools/surreal/Cargo.lock -nt "$SURREAL_BIN" ] \
    || [ tools/surreal/Cargo.toml -nt "$SURREAL_BIN" ]; then
    log "building the SurrealDB server for the remote tests (tools/surreal, once)"
    (cd tools/surreal && cargo build --release --locked --target-dir "$target")
  fi
  export SURREAL_BIN
}

# Start a SurrealDB server (root/root, surrealkv in a temporary folder) on a free port; sets
# SURREAL_URL and SURREAL_PID. The caller stops it.
start_surreal() {
  ensure_surreal
  local port="${HAVEN_SURREAL_PORT:-8470}"
  SURREAL_DIR="$(mktemp -d)"
  "$SURREAL_BIN" start --log warn --bind "127.0.0.1:$port" --user root --pass root \
    "surrealkv://$SURREAL_DIR/data" >"$SURREAL_DIR/log" 2>&1 &
  SURREAL_PID=$!
  SURREAL_URL="ws://127.0.0.1:$port"
  for _ in $(seq 1 300); do
    if "$SURREAL_BIN" isready --endpoint "http://127.0.0.1:$port" >/dev/null 2>&1; then
      export SURREAL_URL SURREAL_PID SURREAL_DIR
      return 0
    fi
    if ! kill -0 "$SURREAL_PID" 2>/dev/null; then break; fi
    sleep 0.2
  done
  cat "$SURREAL_DIR/log" >&2
  log "the SurrealDB server did not start"
  return 1
}

stop_surreal() {
  if [ -n "${SURREAL_PID:-}" ]; then
    kill "$SURREAL_PID" 2>/dev/null || true
    wait "$SURREAL_PID" 2>/dev/null || true
    rm -rf "$SURREAL_DIR"
    SURREAL_PID=""
  fi
}

# The server (debug by default: a release build with SurrealDB takes over an hour cold on 2 cores).
build_server() {
  ensure_native_deps
  local profile="${HAVEN_PROFILE:-debug}"
  log "building the server ($profile)"
  if [ "$profile" = release ]; then
    cargo build -p server --release
  else
    cargo build -p server
  fi
  HAVEN_BIN="$CARGO_TARGET_DIR/$profile/haven"
  export HAVEN_BIN
}
