#!/usr/bin/env bash
# Installs what Ferry needs, skipping whatever is already present, so it is
# cheap to run before every build or test. Usage:
#   scripts/setup.sh run    # what `./run.sh` needs: Rust wasm target, Trunk,
#                           # wasm-bindgen-cli, wasm-opt (npm binaryen)
#   scripts/setup.sh test   # the above, plus Chromium and ChromeDriver for the
#                           # browser tests, and the test servers
# Works on Debian 12 (and derivatives) as root or with sudo. Installs only
# from Debian's packages, crates.io and the npm registry.
set -euo pipefail

profile="${1:-run}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

TRUNK_VERSION="0.21.14"
# Exactly the version of the `wasm-bindgen` crate in Cargo.lock: the CLI and
# the crate must match, and Trunk (offline) may not download its own.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_packages=()
case "$profile" in
  run) ;;
  test) apt_packages+=(chromium chromium-driver dovecot-imapd openssl radicale libxml2-utils) ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac
command -v node >/dev/null || apt_packages+=(nodejs)
command -v npm >/dev/null || apt_packages+=(npm)
command -v cc >/dev/null || apt_packages+=(gcc libc6-dev)

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is not installed: install it with rustup (https://rustup.rs) and re-run." >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (takes a few minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes a few minutes, once)"
  # Not --locked: its own lock file pins a crate version the registry no
  # longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# npm: wasm-opt (binaryen) for Trunk and playwright-core for browser tests,
# pinned in package.json / package-lock.json.
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.ferry-lock-sum 2>/dev/null || true)" != "$lock_sum" ]; then
  say "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.ferry-lock-sum
fi

say "ready ($profile)"
