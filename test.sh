#!/usr/bin/env bash
# Installs what is missing and runs every check and test: formatting, lints
# (host and WebAssembly), native tests, WebAssembly tests in headless
# Chromium, and the end-to-end browser test against a real `ferry serve`.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
exec scripts/test.sh "$@"
