#!/usr/bin/env bash
# Compares slate's calendar engine with pandas CustomBusinessHour on the same
# cases. Creates benches/peers/.venv (gitignored) on first run.
#
#   benches/peers/pandas_peer.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet pandas
fi
pandas_out="$("$venv/bin/python" "$here/pandas_peer.py")"
slate_out="$(cd "$root" && cargo run --quiet --release --example calendar_ops)"
echo "$pandas_out" | grep pandas_version
if diff <(echo "$pandas_out" | grep '^answer') <(echo "$slate_out" | grep '^answer') >/dev/null; then
  echo "answers: slate and pandas agree on all $(echo "$slate_out" | grep -c '^answer') sampled additions"
else
  echo "answers: slate and pandas DIFFER:"
  diff <(echo "$pandas_out" | grep '^answer') <(echo "$slate_out" | grep '^answer') || true
fi
printf '%-24s %-12s %14s %14s %10s\n' calendar op "slate ops/s" "pandas ops/s" "slate/pandas"
echo "$slate_out" | grep '^slate ' | while read -r _ cal op slate_ops; do
  pandas_ops="$(echo "$pandas_out" | awk -v c="$cal" -v o="$op" '$1=="pandas" && $2==c && $3==o {print $4}')"
  pandas_ops="${pandas_ops:--}"
  if [[ "$pandas_ops" =~ ^[0-9]+$ ]]; then
    ratio="$(( slate_ops / (pandas_ops > 0 ? pandas_ops : 1) ))x"
  else
    ratio="-"
  fi
  printf '%-24s %-12s %14s %14s %10s\n' "$cal" "$op" "$slate_ops" "$pandas_ops" "$ratio"
done
