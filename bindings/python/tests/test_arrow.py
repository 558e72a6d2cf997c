"""evaluate_arrow and events_to_tickets: the same answers as evaluate, typed."""

import json
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import slate
from conftest import ROOT
from rows import answer_rows, arrow_rows
from slate import arrow as sa

AT = "2026-03-10T12:00:00Z"
UTC = timezone.utc


def tickets_batch(lines):
    """JSON tickets as an INPUT_SCHEMA batch (change events' value from their key)."""
    rows = []
    for line in lines:
        t = json.loads(line)
        events = []
        for e in t["events"]:
            at = datetime.fromisoformat(e["at"].replace("Z", "+00:00"))
            events.append({"at": at, "type": e["type"], "value": e.get(e["type"])})
        rows.append({"id": t["id"], "tier": t.get("tier"), "severity": t.get("severity"),
                     "type": t.get("type"), "status": t.get("status"), "events": events})
    return pa.RecordBatch.from_pylist(rows, schema=sa.INPUT_SCHEMA)


def test_the_same_answers_as_evaluate_row_by_row(dooap: slate.Policy) -> None:
    lines = (ROOT / "examples" / "tickets" / "dooap.jsonl").read_text().splitlines()
    out = dooap.evaluate_arrow(tickets_batch(lines), at=AT)
    assert isinstance(out, pa.RecordBatch)
    assert out.schema == sa.OUTPUT_SCHEMA
    expected = [r for l in lines for r in answer_rows(dooap.evaluate(l, at=AT))]
    # D-1: 5 metrics, periodic_update has 2 cycles, follow_up none (1 row): 6.
    assert len(expected) == out.num_rows
    assert arrow_rows(out) == expected


def test_types_of_the_output(dooap: slate.Policy) -> None:
    s = sa.OUTPUT_SCHEMA
    assert s.field("deadline").type == pa.timestamp("us", tz="UTC")
    assert s.field("elapsed_seconds").type == pa.int64()
    assert pa.types.is_dictionary(s.field("state").type)
    assert s.field("milestones").type.value_type.field("fires_at").type == pa.timestamp("us", tz="UTC")


def test_a_bad_ticket_is_an_error_row_never_a_dropped_one(dooap: slate.Policy) -> None:
    opened = [{"at": datetime(2026, 3, 6, 21, 30, tzinfo=UTC), "type": "opened", "value": None}]
    batch = pa.RecordBatch.from_pylist(
        [
            {"id": "A", "tier": "fixed_fee", "severity": "critical", "events": opened},
            {"id": "B", "tier": "fixed_fe", "severity": "critical", "events": opened},
            {"id": "C", "tier": "fixed_fee", "severity": "critical", "events": []},
            {"id": None, "tier": "fixed_fee", "severity": "critical", "events": opened},
        ],
        schema=sa.INPUT_SCHEMA,
    )
    out = dooap.evaluate_arrow(batch, at=AT)
    errors = out.filter(pc.is_valid(out["error"])).to_pylist()
    assert [(e["ticket"], e["error_kind"], e["error_field"], e["error"]) for e in errors] == [
        ("B", "unknown_tier", "tier", "ticket `B`: unknown tier `fixed_fe` (did you mean `fixed_fee`?)"),
        ("C", "no_opened", "events", "ticket `C`: no `opened` event"),
        (None, "missing_field", "id", "ticket: missing field `id`"),
    ]
    # A's five metrics (one row each: no metric has a second cycle yet) + 3 error rows.
    assert out.num_rows == 5 + 3
    assert all(e["metric"] is None and e["state"] is None for e in errors)


def test_schema_errors_say_what_to_do(dooap: slate.Policy) -> None:
    with pytest.raises(ValueError, match=r"no column `events` \(it has: id\)"):
        dooap.evaluate_arrow(pa.record_batch({"id": ["A"]}), at=AT)
    naive = pa.struct([("at", pa.timestamp("us")), ("type", pa.string()), ("value", pa.string())])
    batch = pa.RecordBatch.from_pylist(
        [{"id": "A", "tier": "t", "severity": "s", "events": [{"at": datetime(2026, 1, 1), "type": "opened"}]}],
        schema=pa.schema([("id", pa.string()), ("tier", pa.string()), ("severity", pa.string()),
                          ("events", pa.list_(naive))]),
    )
    with pytest.raises(ValueError, match=r"without a time zone.*assume_timezone"):
        dooap.evaluate_arrow(batch, at=AT)
    with pytest.raises(TypeError, match="pyarrow.RecordBatch"):
        dooap.evaluate_arrow([{"id": "A"}], at=AT)
    with pytest.raises(ValueError, match="naive"):
        dooap.evaluate_arrow(batch, at=datetime(2026, 1, 1))


def test_a_table_gives_a_table(dooap: slate.Policy) -> None:
    lines = (ROOT / "examples" / "tickets" / "dooap.jsonl").read_text().splitlines()
    b = tickets_batch(lines)
    table = pa.Table.from_batches([b.slice(0, 1), b.slice(1, 1)])
    out = dooap.evaluate_arrow(table, at=AT)
    assert isinstance(out, pa.Table)
    assert out.to_pylist() == dooap.evaluate_arrow(b, at=AT).to_pylist()


def test_events_to_tickets_from_a_long_table(dooap: slate.Policy) -> None:
    events = pa.table({
        "ticket_id": ["D-2", "D-1", "D-2", "D-1", "D-2"],
        "at": ["2026-03-06T15:30:00-06:00", "2026-03-06T15:30:00-06:00", "2026-03-06T16:00:00-06:00",
               "2026-03-09T09:00:00-05:00", "2026-03-10T10:00:00-05:00"],
        "type": ["opened", "opened", "status", "replied", "status"],
        "value": [None, None, "waiting_on_customer", None, "open"],
        "tier": [None, "fixed_fee", "fixed_fee", None, None],
        "severity": ["high", "critical", None, None, None],
    })
    batch = sa.events_to_tickets(events)
    rows = batch.to_pylist()
    # Tickets by id; each ticket's events in input order; fields from the
    # first row that has them (D-2's tier is on its second row).
    assert [(r["id"], r["tier"], r["severity"]) for r in rows] == [
        ("D-1", "fixed_fee", "critical"), ("D-2", "fixed_fee", "high")]
    assert [(e["type"], e["value"]) for e in rows[1]["events"]] == [
        ("opened", None), ("status", "waiting_on_customer"), ("status", "open")]
    assert rows[0]["events"][1]["at"] == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    # The same answers as the JSON Lines file that holds these two tickets.
    lines = (ROOT / "examples" / "tickets" / "dooap.jsonl").read_text().splitlines()
    expected = [r for l in lines for r in answer_rows(dooap.evaluate(l, at=AT))]
    assert arrow_rows(dooap.evaluate_arrow(batch, at=AT)) == expected


def test_events_to_tickets_refuses_naive_times_and_missing_columns() -> None:
    with pytest.raises(ValueError, match="without a time zone"):
        sa.events_to_tickets(pa.table({"ticket_id": ["A"], "at": pa.array([datetime(2026, 1, 1)]), "type": ["opened"]}))
    with pytest.raises(ValueError, match="no column `type`"):
        sa.events_to_tickets(pa.table({"ticket_id": ["A"], "at": ["2026-01-01T00:00:00Z"]}))
    with pytest.raises(ValueError, match="RFC 3339 times with an offset"):
        sa.events_to_tickets(pa.table({"ticket_id": ["A"], "at": ["2026-01-01T00:00:00"], "type": ["opened"]}))
    with pytest.raises(ValueError, match="row 2 of the events table has no `ticket_id`"):
        sa.events_to_tickets(pa.table({"ticket_id": ["A", None], "at": ["2026-01-01T00:00:00Z"] * 2,
                                       "type": ["opened"] * 2}))


def test_many_chunks_keep_input_order(dooap: slate.Policy) -> None:
    from corpus import AT as CORPUS_AT, arrow_table, tickets

    corpus = list(tickets(20_000))
    batch = arrow_table(corpus).combine_chunks().to_batches()[0]
    assert batch.num_rows == 20_000
    parts = sa.evaluate_batches(dooap, batch, CORPUS_AT)
    assert len(parts) > 1  # evaluated in several chunks
    whole = dooap.evaluate_arrow(batch, CORPUS_AT)
    assert isinstance(whole, pa.RecordBatch)
    assert whole.num_rows == sum(p.num_rows for p in parts)
    # Equal values (dictionary indices may differ once the chunks are joined).
    assert pa.Table.from_batches(parts).to_pylist() == whole.to_pylist()
    # Tickets come out in input order, each once (error rows included).
    seen = []
    for t in whole.column("ticket").to_pylist():
        if not seen or seen[-1] != t:
            seen.append(t)
    assert seen == [t["id"] for t in corpus]
    # Spot-check against evaluate, ticket by ticket.
    rows = arrow_rows(whole)
    for t in corpus[:: 997]:
        try:
            expected = answer_rows(dooap.evaluate(t, at=CORPUS_AT))
        except slate.TicketError as e:
            expected = [r for r in rows if r["ticket"] == t["id"]]
            assert expected[0]["error"] == str(e)
        assert [r for r in rows if r["ticket"] == t["id"]] == expected


def test_events_may_say_who_acted(desk: slate.Policy) -> None:
    # The event structs may carry `actor` and `public` (issue 14): the same
    # ticket as test_policy's test_who_acted_in_a_ticket_dict, first
    # response met at 10:30 CST (16:30 UTC) with 1h30m counted.
    event = pa.struct([
        ("at", pa.timestamp("us", tz="UTC")), ("type", pa.string()), ("value", pa.string()),
        ("actor", pa.string()), ("public", pa.bool_()),
    ])
    schema = pa.schema([("id", pa.string()), ("tier", pa.string()), ("severity", pa.string()),
                        ("events", pa.list_(event))])

    def at(h, m):
        return datetime(2026, 1, 5, h, m, tzinfo=UTC)

    events = [
        {"at": at(15, 0), "type": "opened", "value": None, "actor": "agent", "public": True},
        {"at": at(15, 20), "type": "replied", "value": None, "actor": None, "public": False},
        {"at": at(15, 30), "type": "replied", "value": None, "actor": "system", "public": None},
        {"at": at(16, 30), "type": "replied", "value": None, "actor": "agent", "public": True},
    ]
    batch = pa.RecordBatch.from_pylist(
        [{"id": "W-1", "tier": "gold", "severity": "high", "events": events}], schema=schema
    )
    out = desk.evaluate_arrow(batch, at="2026-01-05T18:00:00Z")
    first = [r for r in out.to_pylist() if r["metric"] == "first_response"][0]
    assert (first["state"], first["stop"], first["elapsed_seconds"]) == ("met", at(16, 30), 5400)


def test_events_to_tickets_passes_who_acted_through(desk: slate.Policy) -> None:
    # The same ticket as test_events_may_say_who_acted, as a long table with
    # `actor` and `public` columns: an internal note (public false) and an
    # automatic reply (system) are not responses; first response met at
    # 16:30 UTC with 1h30m counted.
    events = pa.table({
        "ticket_id": ["W-1"] * 4,
        "at": ["2026-01-05T15:00:00Z", "2026-01-05T15:20:00Z", "2026-01-05T15:30:00Z",
               "2026-01-05T16:30:00Z"],
        "type": ["opened", "replied", "replied", "replied"],
        "actor": ["agent", None, "system", "agent"],
        "public": [True, False, None, True],
        "tier": ["gold", None, None, None],
        "severity": ["high", None, None, None],
    })
    batch = sa.events_to_tickets(events)
    assert [(e["actor"], e["public"]) for e in batch.to_pylist()[0]["events"]] == [
        ("agent", True), (None, False), ("system", None), ("agent", True)]
    out = desk.evaluate_arrow(batch, at="2026-01-05T18:00:00Z")
    first = [r for r in out.to_pylist() if r["metric"] == "first_response"][0]
    assert (first["state"], first["elapsed_seconds"]) == ("met", 5400)
    assert first["stop"] == datetime(2026, 1, 5, 16, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="`public` is string"):
        sa.events_to_tickets(events.set_column(4, "public", pa.array(["yes"] * 4)))
