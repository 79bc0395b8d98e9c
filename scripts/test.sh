#!/usr/bin/env bash
# The whole test suite, in the order that fails fastest. Assumes
# scripts/setup.sh test has run (./test.sh does that first).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$FERRY_ROOT"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "formatting"
cargo fmt --all --check

step "lints (host crates)"
cargo clippy --locked -p ferry-shared -p ferry-net -p ferry-mail -p ferry-targets -p ferry-testkit -p ferry --all-targets -- -D warnings

step "lints (front end and shared, WebAssembly)"
cargo clippy --locked -p ferry-frontend -p ferry-shared --target wasm32-unknown-unknown --all-targets -- -D warnings

step "native tests"
cargo test --locked

step "WebAssembly tests in headless Chromium"
cargo test --locked -p ferry-shared -p ferry-frontend --target wasm32-unknown-unknown --tests

step "front-end build (Trunk, offline)"
scripts/build-frontend.sh

step "end-to-end browser tests"
# The mail move's test starts two Dovecot servers with demo_servers.
cargo build --locked -p ferry-testkit --bin demo_servers
FERRY_BIN="${CARGO_TARGET_DIR:-$FERRY_ROOT/target}/debug/ferry" node --test e2e/
