# Sourced by the scripts: puts the project's pinned tools first on PATH and
# sets the variables the offline front-end build and browser tests need.
# shellcheck shell=bash
FERRY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FERRY_ROOT
# wasm-opt 132 from npm `binaryen`, ahead of any older system one (Debian's
# binaryen 108 produces a module that fails to load).
export PATH="$FERRY_ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$FERRY_ROOT/webdriver.json"
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
