#!/usr/bin/env bash
# The one-metric comparison (benches/peers/README.md): slate, polars and
# pandas answer first-response deadline and breach for the same tickets, on
# the same machine, one after the other; every answer is compared; times
# are printed side by side as ratios.
#
#   benches/peers/first_response.sh [COUNT] [THREADS]
#
# COUNT tickets (default 1,000,000) are generated once into target/peers/.
# THREADS (default: all cores) is given to slate (RAYON_NUM_THREADS) and
# polars (POLARS_MAX_THREADS); pandas uses one. Needs a virtual environment
# with pandas, polars and pyarrow: $VENV (default target/peers-venv),
# created with `python3 -m venv target/peers-venv && target/peers-venv/bin/pip
# install pandas polars pyarrow` if missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
count="${1:-1000000}"
threads="${2:-}"
venv="${VENV:-$root/target/peers-venv}"
py="$venv/bin/python"
if [ ! -x "$py" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pandas polars pyarrow
fi
out="$root/target/peers"
mkdir -p "$out"
tickets="$out/tickets-$count.jsonl"
[ -s "$tickets" ] || "$py" "$here/gen_first_response.py" "$count" > "$tickets"
(cd "$root" && cargo build --quiet --release --bin slate)
slate="$root/target/release/slate"
at="2026-12-28T12:00:00Z"
if [ -n "$threads" ]; then export RAYON_NUM_THREADS="$threads" POLARS_MAX_THREADS="$threads"; fi
"$py" -c 'import pandas, polars, pyarrow; print(f"pandas {pandas.__version__}, polars {polars.__version__}, pyarrow {pyarrow.__version__}")'
echo "$count tickets, $(du -m "$tickets" | cut -f1) MB, threads: ${threads:-all}, load: $(cut -d' ' -f1-3 /proc/loadavg)"

# Runs a shell command; sets the variables named $1 and $2 to its wall
# and CPU (user + sys, children included) seconds.
measure() {
  local w=$1 c=$2 wall user sys
  /usr/bin/time -f '%e %U %S' -o "$out/time" bash -c "$3" 2>/dev/null
  read -r wall user sys < "$out/time"
  printf -v "$w" '%s' "$wall"
  printf -v "$c" '%s' "$(echo "$user + $sys" | bc)"
}

measure slate_w slate_c "'$slate' eval '$here/first_response.sla' '$tickets' --at $at --metrics first_response --format csv --quiet > '$out/slate.csv'"
measure polars_w polars_c "'$py' '$here/first_response_polars.py' '$tickets' $at '$out/polars.csv'"
measure pandas_w pandas_c "'$py' '$here/first_response_pandas.py' '$tickets' $at '$out/pandas.csv'"

echo "answers:"
"$py" "$here/compare.py" "$out/slate.csv" "$out/polars.csv" | sed 's/^/  slate vs polars: /'
"$py" "$here/compare.py" "$out/slate.csv" "$out/pandas.csv" | sed 's/^/  slate vs pandas: /'

printf '%-8s %9s %9s %14s %14s\n' tool "wall s" "CPU s" "wall / slate" "CPU / slate"
for t in slate polars pandas; do
  w="${t}_w"; c="${t}_c"
  printf '%-8s %9s %9s %14s %14s\n' "$t" "${!w}" "${!c}" \
    "$(echo "scale=2; ${!w} / $slate_w" | bc)" "$(echo "scale=2; ${!c} / $slate_c" | bc)"
done
