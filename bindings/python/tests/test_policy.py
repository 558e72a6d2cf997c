"""compile(), evaluate() and evaluate_many(): answers computed by hand."""

import json
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import slate
from conftest import DESK, ROOT

UTC = timezone.utc
CDT = timezone(timedelta(hours=-5))
CST = timezone(timedelta(hours=-6))


def gold_high(id="T-1", **extra):
    """Opened Friday 2026-03-06 15:30 in Chicago (CST), not answered."""
    ticket = {
        "id": id,
        "tier": "gold",
        "severity": "high",
        "events": [{"at": "2026-03-06T15:30:00-06:00", "type": "opened"}],
    }
    ticket.update(extra)
    return ticket


def test_compile_from_text_path_and_str_path(tmp_path: Path) -> None:
    f = tmp_path / "desk.sla"
    f.write_text(DESK, encoding="utf-8")
    for source in (DESK, f, str(f)):
        p = slate.compile(source)
        assert p.name == "Desk"
        assert p.calendar_names == ["desk"]
        assert "first_response" in p.metric_names
        assert p.warnings == []


def test_compile_reads_a_missing_sla_path_as_a_path() -> None:
    with pytest.raises(FileNotFoundError):
        slate.compile("no/such/policy.sla")


def test_evaluate_running_across_the_weekend_and_dst(desk: slate.Policy) -> None:
    # gold x high = 4h on mon-fri 08:00-16:00 Chicago. Friday 15:30-16:00 CST
    # counts 30 min; Monday (CDT since Sunday) 08:00-09:00 counts 1 h: 5400 s
    # elapsed at Monday 09:00 CDT, 2h30m left, due 11:30 CDT = 16:30 UTC.
    at = datetime(2026, 3, 9, 9, 0, tzinfo=CDT)
    answer = desk.evaluate(gold_high(), at=at)
    assert answer["format_version"] == 1
    assert answer["id"] == "T-1"
    assert answer["at"] == datetime(2026, 3, 9, 14, 0, tzinfo=UTC)
    first = next(m for m in answer["metrics"] if m["metric"] == "first_response")
    assert first["state"] == "running"
    cycle = first["cycles"][0]
    assert cycle["elapsed_seconds"] == 5400
    assert cycle["remaining_seconds"] == 14400 - 5400
    assert cycle["target"] == "4h"
    assert cycle["deadline"] == datetime(2026, 3, 9, 16, 30, tzinfo=UTC)
    assert cycle["deadline"].utcoffset() == timedelta(0)
    assert cycle["start"] == datetime(2026, 3, 6, 21, 30, tzinfo=UTC)
    assert cycle["stop"] is None
    # 5400 / 14400 = 0.375
    assert cycle["consumed_permille"] == 375


def test_evaluate_met_reply_and_datetime_events(desk: slate.Policy) -> None:
    # basic x low = 16h. Opened Monday 2026-01-05 08:00 CST, replied Tuesday
    # 10:00 CST: 8h Monday + 2h Tuesday = 10h counted, met.
    ticket = {
        "id": 42,
        "tier": "basic",
        "severity": "low",
        "events": [
            {"at": datetime(2026, 1, 6, 10, 0, tzinfo=CST), "type": "replied"},
            {"at": datetime(2026, 1, 5, 8, 0, tzinfo=CST), "type": "opened"},
        ],
    }
    answer = desk.evaluate(ticket, at="2026-01-07T00:00:00Z")
    cycle = answer["metrics"][[m["metric"] for m in answer["metrics"]].index("first_response")]["cycles"][0]
    assert answer["id"] == "42"
    assert cycle["state"] == "met"
    assert cycle["elapsed_seconds"] == 10 * 3600
    assert cycle["stopped_by"] == "replied"
    # The deadline when it stopped: 6h left at Tuesday 10:00 -> 16:00 CST = 22:00 UTC.
    assert cycle["deadline"] == datetime(2026, 1, 6, 22, 0, tzinfo=UTC)


def test_a_json_string_and_a_dict_give_the_same_answer(desk: slate.Policy) -> None:
    at = "2026-03-09T14:00:00Z"
    assert desk.evaluate(json.dumps(gold_high()), at=at) == desk.evaluate(gold_high(), at=at)


def test_answers_equal_slate_eval(dooap: slate.Policy, slate_bin: str) -> None:
    tickets = ROOT / "examples" / "tickets" / "dooap.jsonl"
    out = subprocess.run(
        [slate_bin, "eval", str(ROOT / "policies" / "dooap.sla"), str(tickets), "--at", "2026-03-10T12:00:00Z", "--all-metrics"],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    lines = [l for l in tickets.read_text().splitlines() if l.strip()]
    mine = [dooap.evaluate(l, at="2026-03-10T12:00:00Z") for l in lines]
    assert len(out) == len(mine) == 2
    for cli, answer in zip(out, mine):
        # Same schema and values; instants are datetimes on our side.
        assert slate_json(answer) == json.loads(cli)


def slate_json(value):
    """An answer with its datetimes written back as `slate eval` writes them."""
    if isinstance(value, dict):
        return {k: slate_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [slate_json(v) for v in value]
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def test_evaluate_many_is_lazy_ordered_and_names_the_bad_item(desk: slate.Policy) -> None:
    taken = []

    def tickets():
        for i in range(1, 8):
            taken.append(i)
            yield gold_high(f"T-{i}", tier="gould" if i == 5 else "gold")

    stream = desk.evaluate_many(tickets(), at="2026-03-09T14:00:00Z", batch_size=2)
    first = next(stream)
    assert first["id"] == "T-1"
    assert taken == [1, 2]  # one batch read, not the whole iterable
    ids = [next(stream)["id"] for _ in range(3)]
    assert ids == ["T-2", "T-3", "T-4"]
    with pytest.raises(slate.TicketError) as e:
        next(stream)
    assert e.value.item == 5
    assert e.value.ticket == "T-5"
    assert e.value.field == "tier"
    assert str(e.value) == "ticket `T-5` (item 5): unknown tier `gould` (did you mean `gold`?)"


def test_evaluate_many_can_yield_errors_in_place(desk: slate.Policy) -> None:
    tickets = [gold_high("A"), {"id": "B", "tier": "gold", "events": []}, gold_high("C")]
    results = list(desk.evaluate_many(tickets, at="2026-03-09T14:00:00Z", on_error="yield"))
    assert [r["id"] if isinstance(r, dict) else r.ticket for r in results] == ["A", "B", "C"]
    err = results[1]
    assert isinstance(err, slate.TicketError)
    assert (err.item, err.kind, err.field) == (2, "missing_field", "severity")
    # Every good ticket still answered, with the same answer as alone.
    assert results[2] == desk.evaluate(gold_high("C"), at="2026-03-09T14:00:00Z")


def test_ir_is_the_versioned_json(desk: slate.Policy) -> None:
    ir = desk.ir()
    assert ir["format_version"] == 2
    assert [t["name"] for t in ir["tiers"]] == ["basic", "gold"]


def test_who_acted_in_a_ticket_dict(desk: slate.Policy) -> None:
    # Issue 14: an agent opens the ticket Monday 2026-01-05 09:00 CST with a
    # public comment; an internal note (09:20) and an automatic message
    # (09:30) are not responses; the public agent reply at 10:30 is:
    # 1h30m counted (gold x high = 4h), met.
    ticket = {
        "id": "W-1",
        "tier": "gold",
        "severity": "high",
        "events": [
            {"at": datetime(2026, 1, 5, 9, 0, tzinfo=CST), "type": "opened", "actor": "agent", "public": True},
            {"at": datetime(2026, 1, 5, 9, 20, tzinfo=CST), "type": "replied", "public": False},
            {"at": datetime(2026, 1, 5, 9, 30, tzinfo=CST), "type": "replied", "actor": "system"},
            {"at": datetime(2026, 1, 5, 10, 30, tzinfo=CST), "type": "replied", "actor": "agent", "public": True},
        ],
    }
    answer = desk.evaluate(ticket, at="2026-01-05T18:00:00Z")
    cycle = answer["metrics"][[m["metric"] for m in answer["metrics"]].index("first_response")]["cycles"][0]
    assert cycle["state"] == "met"
    assert cycle["stop"] == datetime(2026, 1, 5, 16, 30, tzinfo=UTC)
    assert cycle["elapsed_seconds"] == 5400
