"""Writes the peer comparison's tickets as JSON Lines (slate eval's input).

    python gen_first_response.py 1000000 > tickets.jsonl

Deterministic for a count and --seed. Each ticket: a tier and severity, an
`opened` event anywhere in 2026 (nights, weekends and both DST changes
included, at whole seconds), then 0 to 5 later events among `replied`,
`customer_replied`, `acknowledged` and `resolved`, in time order (some at
the same second as the one before). About one ticket in eight has no
reply and no resolution. No status, severity, tier, reopen or close events:
the question is plain business-hours arithmetic (benches/peers/README.md).
"""

import random
import sys
from datetime import datetime, timezone

BASE = 1_767_225_600  # 2026-01-01T00:00:00Z
KINDS = ["replied", "replied", "replied", "customer_replied", "acknowledged", "resolved"]


def stamp(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 11
    r = random.Random(seed)
    out = sys.stdout
    lines = []
    for i in range(count):
        t = BASE + r.randrange(365 * 86_400)
        tier = ("standard", "gold", "platinum")[r.randrange(3)]
        sev = ("sev1", "sev2", "sev3")[r.randrange(3)]
        events = [f'{{"at":"{stamp(t)}","type":"opened"}}']
        n = 0 if r.randrange(8) == 0 else 1 + r.randrange(5)
        for _ in range(n):
            # Same second now and then, else up to three days later.
            t += 0 if r.randrange(30) == 0 else 1 + r.randrange(3 * 86_400)
            events.append(f'{{"at":"{stamp(t)}","type":"{KINDS[r.randrange(len(KINDS))]}"}}')
        lines.append(
            f'{{"id":"P-{i}","tier":"{tier}","severity":"{sev}","events":[{",".join(events)}]}}\n'
        )
        if len(lines) >= 10_000:
            out.write("".join(lines))
            lines.clear()
    out.write("".join(lines))


if __name__ == "__main__":
    main()
