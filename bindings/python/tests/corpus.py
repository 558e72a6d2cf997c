"""A generated corpus of tickets for policies/dooap.sla (deterministic).

Used by the Spark test and the performance measurements: timelines with
replies, customer messages, pauses, severity and tier changes, resolves and
reopens, written with several UTC offsets, and a few invalid tickets (about
1 in 200: an unknown tier or no `opened` event), which `slate eval` reports
and evaluate_arrow turns into error rows.
"""

import json
import random
import sys
from datetime import datetime, timedelta, timezone
from typing import Dict, Iterator, List

AT = "2026-04-01T00:00:00Z"
TIERS = ["time_and_material", "fixed_fee"]
SEVERITIES = ["critical", "high", "normal", "High", "severity 3"]
OFFSETS = [timezone(timedelta(hours=h)) for h in (-6, -5, 0, 2, 5.5)]
START = datetime(2026, 3, 1, tzinfo=timezone.utc)


def stamp(t: datetime, rng: random.Random) -> str:
    return t.astimezone(rng.choice(OFFSETS)).isoformat()


def ticket(i: int, rng: random.Random) -> Dict:
    opened = START + timedelta(seconds=rng.randrange(0, 28 * 86400))
    t = opened
    events: List[Dict] = [{"at": stamp(opened, rng), "type": "opened"}]
    for _ in range(rng.randrange(0, 7)):
        t += timedelta(seconds=rng.randrange(60, 2 * 86400))
        kind = rng.choice(["replied", "customer_replied", "pause", "severity", "tier",
                           "acknowledged", "resolved", "reopened"])
        if kind == "pause":
            events.append({"at": stamp(t, rng), "type": "status", "status": "waiting_on_customer"})
            t += timedelta(seconds=rng.randrange(60, 86400))
            events.append({"at": stamp(t, rng), "type": "status", "status": "open"})
        elif kind == "severity":
            events.append({"at": stamp(t, rng), "type": "severity", "severity": rng.choice(SEVERITIES[:3])})
        elif kind == "tier":
            events.append({"at": stamp(t, rng), "type": "tier", "tier": rng.choice(TIERS)})
        else:
            events.append({"at": stamp(t, rng), "type": kind})
    if rng.random() < 0.3:
        t += timedelta(seconds=rng.randrange(60, 86400))
        events.append({"at": stamp(t, rng), "type": "closed"})
    rng.shuffle(events)  # any order is valid input
    out = {"id": f"T-{i:07d}", "tier": rng.choice(TIERS), "severity": rng.choice(SEVERITIES),
           "events": events}
    if i % 200 == 7:
        out["tier"] = "fixed_fe"  # invalid: unknown tier
    elif i % 200 == 13:
        out["events"] = [e for e in events if e["type"] != "opened"]  # invalid: no opened
    return out


def tickets(n: int, seed: int = 13) -> Iterator[Dict]:
    rng = random.Random(seed)
    for i in range(n):
        yield ticket(i, rng)


def invalid_ids(n: int) -> List[str]:
    return [f"T-{i:07d}" for i in range(n) if i % 200 in (7, 13)]


def arrow_table(corpus):
    """Tickets as the evaluate_arrow input (a pyarrow Table)."""
    import pyarrow as pa

    rows = []
    for t in corpus:
        events = [{"at": e["at"], "type": e["type"], "value": e.get(e["type"])} for e in t["events"]]
        rows.append({"id": t["id"], "tier": t["tier"], "severity": t["severity"], "events": events})
    table = pa.Table.from_pylist(rows)
    # RFC 3339 strings with offsets -> timestamp[us, tz=UTC], as a lakehouse holds them.
    events = table["events"].combine_chunks()
    flat = events.flatten()
    at = flat.field("at").cast(pa.timestamp("us", tz="UTC"))
    structs = pa.StructArray.from_arrays([at, flat.field("type"), flat.field("value")], names=["at", "type", "value"])
    events = pa.ListArray.from_arrays(events.offsets, structs)
    return table.set_column(table.schema.get_field_index("events"), "events", events)


if __name__ == "__main__":
    # python corpus.py N > tickets.jsonl
    for t in tickets(int(sys.argv[1])):
        sys.stdout.write(json.dumps(t, separators=(",", ":")) + "\n")
