#!/usr/bin/env bash
# The mail benchmark: Ferry vs mbsync on the same seeded mailbox between
# local Dovecot servers (see testkit/src/bin/mail_bench.rs). Prints a
# Markdown table. Usage: bench/mail.sh [MESSAGES]   (default 10000)
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
cd "$FERRY_ROOT"
missing=()
for pkg in dovecot-imapd isync time; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
cargo build --release --locked -p ferry -p ferry-testkit --bin ferry --bin mail_bench
target="${CARGO_TARGET_DIR:-target}/release"
"$target/mail_bench" "$target/ferry" "${1:-10000}"
