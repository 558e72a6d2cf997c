"""Bad input gets Python exceptions with the CLI's messages; nothing aborts."""

import pickle
import subprocess
import sys
from datetime import date, datetime

import pytest

import slate

AT = "2026-03-09T14:00:00Z"

BROKEN = """policy "Acme" { calendar office }
calendar office {
  zone "Central US"
  mon-fri 08:00-25:00
}
severity sev1 "Down"
tiers basic < premium
targets first_response {
         basic premum
  sev1   8h    1h
}
"""


def test_compile_error_carries_every_diagnostic() -> None:
    with pytest.raises(slate.CompileError) as e:
        slate.compile(BROKEN, name="acme.sla")
    diags = e.value.diagnostics
    codes = [(d.code, d.severity, d.line, d.column) for d in diags]
    # Zone on line 3 col 8, `25:00` on line 4 col 17, `premum` on line 9 col 16.
    assert ("E0201", "error", 3, 8) in codes
    assert ("E0202", "error", 4, 17) in codes
    assert ("E0101", "error", 9, 16) in codes
    zone = next(d for d in diags if d.code == "E0201")
    assert zone.message == "unknown time zone `Central US`"
    assert zone.help == "did you mean `America/Chicago`?"
    assert zone.file == "acme.sla"
    assert "acme.sla:3:8" in zone.rendered and "not an IANA time zone name" in zone.rendered
    assert str(zone) == "acme.sla:3:8: E0201 unknown time zone `Central US`"
    assert str(e.value).startswith(f"the policy has {len(e.value.errors)} error(s)\n")
    # It pickles (multiprocessing, Spark executors).
    again = pickle.loads(pickle.dumps(e.value))
    assert again.diagnostics == diags


def bad(desk, ticket):
    with pytest.raises(slate.TicketError) as e:
        desk.evaluate(ticket, at=AT)
    return e.value


def opened(at="2026-03-06T15:30:00-06:00"):
    return {"at": at, "type": "opened"}


@pytest.mark.parametrize(
    "ticket, kind, field, message",
    [
        ({"id": "T-1", "tier": "gould", "severity": "high", "events": [opened()]},
         "unknown_tier", "tier", "ticket `T-1`: unknown tier `gould` (did you mean `gold`?)"),
        ({"id": "T-2", "tier": "gold", "severity": "hihg", "events": [opened()]},
         "unknown_severity", "severity", "ticket `T-2`: unknown severity `hihg` (did you mean `high`?)"),
        ({"id": "T-3", "severity": "high", "events": [opened()]},
         "missing_field", "tier", "ticket `T-3`: missing field `tier`"),
        ({"id": "T-4", "tier": "gold", "severity": "high", "events": [opened("2026-03-06T15:30:00")]},
         "naive_time", "events.at",
         "ticket `T-4`: the time `2026-03-06T15:30:00` has no UTC offset (write one, or assume a zone)"),
        ({"id": "T-5", "tier": "gold", "severity": "high", "events": [{"at": "2026-03-06T15:30:00Z", "type": "replied"}]},
         "no_opened", "events", "ticket `T-5`: no `opened` event"),
        ({"id": "T-6", "tier": "gold", "severity": "high", "events": [opened(), {"at": "2026-03-06T15:30:00Z", "type": "poked"}]},
         "unknown_event", "events.type", "ticket `T-6`: unknown event type `poked`"),
    ],
)
def test_ticket_errors_say_which_ticket_and_field(desk, ticket, kind, field, message) -> None:
    e = bad(desk, ticket)
    assert (e.kind, e.field, e.item) == (kind, field, None)
    assert str(e) == message
    assert e.ticket == ticket["id"]
    assert isinstance(e, ValueError)
    assert pickle.loads(pickle.dumps(e)).field == field


def test_malformed_json_text(desk) -> None:
    e = bad(desk, '{"id": "T-1", ')
    assert e.kind == "malformed"
    assert str(e).startswith("ticket: malformed input:")


def test_naive_datetimes_are_value_errors_that_say_how_to_fix_them(desk) -> None:
    cal = desk.calendar("desk")
    with pytest.raises(ValueError, match=r"naive datetime.*tzinfo=ZoneInfo"):
        cal.add(datetime(2026, 3, 6, 15, 30), "8h")
    with pytest.raises(ValueError, match=r"has no UTC offset.*2026-03-06T15:30:00Z"):
        cal.is_open("2026-03-06T15:30:00")
    with pytest.raises(ValueError, match=r"`at` .*naive datetime"):
        desk.evaluate({"id": "T", "tier": "gold", "severity": "high", "events": [opened()]},
                      at=datetime(2026, 3, 9))
    naive_event = {"id": "T", "tier": "gold", "severity": "high",
                   "events": [{"at": datetime(2026, 3, 6, 15, 30), "type": "opened"}]}
    with pytest.raises(ValueError, match=r"naive datetime.*give it a tzinfo"):
        desk.evaluate(naive_event, at=AT)


def test_wrong_types_and_values(desk) -> None:
    cal = desk.calendar("desk")
    with pytest.raises(TypeError, match="timezone-aware datetime or an RFC 3339 string"):
        cal.is_open(date(2026, 3, 6))
    with pytest.raises(ValueError, match="not an RFC 3339 instant"):
        cal.is_open("next tuesday")
    with pytest.raises(ValueError, match=r"`1d` is not a duration here"):
        cal.add(AT, "1d")  # 24-hour days only on a 24x7 calendar
    with pytest.raises(ValueError, match="out of range|2200"):
        cal.add("2199-12-31T00:00:00Z", "1000h")
    with pytest.raises(KeyError, match="did you mean `desk`"):
        desk.calendar("dsk")
    with pytest.raises(TypeError, match="a ticket is a dict or a JSON string"):
        desk.evaluate(["T-1"], at=AT)


def test_a_rust_panic_is_an_exception_not_an_abort() -> None:
    # In a child process, so that a regression (an abort) cannot take the
    # test run down with it; the child must catch the panic and go on.
    code = (
        "import slate._slate as n\n"
        "try:\n"
        "    n._panic_for_tests()\n"
        "except BaseException as e:\n"
        "    print(type(e).__name__, e)\n"
        "print('still alive')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "PanicException a deliberate panic (test of the panic boundary)",
        "still alive",
    ]
