#!/usr/bin/env bash
# Issue 11's single-core measure (docs/performance.md, "One core against
# the parse"): the CPU seconds (user + sys) of `slate eval` giving every
# metric's full answer, against those of `examples/parse_only` parsing the
# same JSON Lines file, both on one thread, run alternately.
#
#   benches/one_core.sh [COUNT] [ROUNDS]
#
# COUNT tickets (default 1,000,000) are generated once into target/bench/
# by examples/gen_tickets; ROUNDS (default 3) runs of each are made,
# interleaved. Prints every run, then the median of each and their ratio.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
count="${1:-1000000}"
rounds="${2:-3}"
cd "$root"
cargo build --quiet --release --bin slate --example gen_tickets --example parse_only
mkdir -p target/bench
tickets="target/bench/tickets-$count.jsonl"
[ -s "$tickets" ] || ./target/release/examples/gen_tickets "$count" > "$tickets"
export RAYON_NUM_THREADS=1
echo "$count tickets, $(du -m "$tickets" | cut -f1) MB, load: $(cut -d' ' -f1-3 /proc/loadavg)"

# CPU seconds (user + sys) of a command whose output is thrown away.
cpu() {
  local f
  f=$(mktemp)
  /usr/bin/time -o "$f" -f "%U %S" "$@" > /dev/null 2> /dev/null
  awk '{ printf "%.2f", $1 + $2 }' "$f"
  rm -f "$f"
}

parse=() eval=()
for ((i = 1; i <= rounds; i++)); do
  p=$(cpu ./target/release/examples/parse_only "$tickets")
  e=$(cpu ./target/release/slate eval benches/data/corpus.sla "$tickets" \
        --at latest-event --all-metrics --quiet)
  echo "run $i: parse_only $p s, slate eval $e s"
  parse+=("$p") eval+=("$e")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
mp=$(median "${parse[@]}") me=$(median "${eval[@]}")
awk -v p="$mp" -v e="$me" 'BEGIN { printf "median: parse_only %.2f s, slate eval %.2f s, ratio %.2fx\n", p, e, e / p }'
