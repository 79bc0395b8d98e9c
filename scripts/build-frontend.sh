#!/usr/bin/env bash
# Builds the web page into dist/ with Trunk, offline: every crate comes from
# the local cache (filled by `cargo fetch --locked`) and every tool is the
# pinned one installed by scripts/setup.sh.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$FERRY_ROOT"
cargo fetch --locked --quiet
trunk build --release --locked "$@"
