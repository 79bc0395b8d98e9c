#!/usr/bin/env bash
# Installs what is missing, builds the web page and the server, and starts
# Ferry with its built-in defaults. It prints the address to open.
# Any option is passed to `ferry serve` (see `./run.sh --help`).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh run
source scripts/env.sh
scripts/build-frontend.sh
cargo build --release --locked -p ferry
exec "${CARGO_TARGET_DIR:-target}/release/ferry" serve "$@"
