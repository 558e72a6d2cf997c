#!/bin/sh
# Seeds the fuzz corpora from the repository's fixtures (run from fuzz/).
# parse_check and fmt_round_trip: every .sla fixture and shipped policy.
# eval_tickets: the ticket of every evaluation fixture, one JSON line each,
# and the tickets of the contract examples. calendar_oracle takes structured
# input (arbitrary) and starts from an empty corpus.
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/parse_check corpus/fmt_round_trip corpus/eval_tickets corpus/calendar_oracle
for f in ../tests/fixtures/*/*.sla ../policies/*.sla; do
  name=$(echo "$f" | tr '/.' '__')
  cp "$f" "corpus/parse_check/$name"
  cp "$f" "corpus/fmt_round_trip/$name"
done
python3 - <<'PY'
import json, glob, os
n = 0
for f in sorted(glob.glob("../tests/fixtures/eval/*/*.json")):
    with open(f) as fh:
        doc = json.load(fh)
    t = doc.get("ticket")
    if t is not None:
        with open(f"corpus/eval_tickets/fixture_{n:03}", "w") as out:
            out.write(json.dumps(t))
        n += 1
for f in sorted(glob.glob("../policies/*.tests.json")):
    with open(f) as fh:
        doc = json.load(fh)
    stack = [doc]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if "events" in v and "tier" in v:
                with open(f"corpus/eval_tickets/example_{n:03}", "w") as out:
                    out.write(json.dumps(v))
                n += 1
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
print(f"{n} ticket seeds")
PY
