"""Business time from Python: answers computed by hand."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import slate

UTC = timezone.utc
CHICAGO = ZoneInfo("America/Chicago")


def test_done_means_the_readme_question(dooap: slate.Policy) -> None:
    # service_desk = central (08-16 Chicago) | eastern_eu (08-16 Helsinki).
    # Friday 2026-03-06 15:30 CST = 21:30 UTC; open until 22:00 UTC: 30 min.
    # Monday 2026-03-09 (Chicago on CDT since Sunday): Helsinki opens 06:00
    # UTC, so the other 7h30m end at 13:30 UTC. A union prints in UTC.
    due = dooap.calendar("service_desk").add("2026-03-06T15:30:00-06:00", "8h")
    assert due == datetime(2026, 3, 9, 13, 30, tzinfo=UTC)
    assert due.utcoffset() == timedelta(0)
    assert str(due) == "2026-03-09 13:30:00+00:00"


def test_weekly_calendar_answers_in_its_zone(desk: slate.Policy) -> None:
    cal = desk.calendar("desk")
    assert (cal.name, cal.zone) == ("desk", "America/Chicago")
    friday = datetime(2026, 3, 6, 15, 30, tzinfo=CHICAGO)
    # 30 min Friday + 7h30m Monday from 08:00 CDT: Monday 15:30 CDT.
    due = cal.add(friday, "8h")
    assert due.isoformat() == "2026-03-09T15:30:00-05:00"
    assert cal.add(friday, timedelta(hours=8)) == due
    assert cal.add(friday, "1bd") == due  # one business day keeps the time of day
    assert cal.sub(due, "8h") == friday
    assert cal.between(friday, due) == 8 * 3600
    assert cal.between(due, friday) == -8 * 3600
    assert cal.is_open(friday)
    assert not cal.is_open("2026-03-06T16:00:00-06:00")  # closing instant is closed
    assert cal.next_close(friday).isoformat() == "2026-03-06T16:00:00-06:00"
    assert cal.next_open(friday) == friday
    assert cal.next_open("2026-03-07T12:00:00Z").isoformat() == "2026-03-09T08:00:00-05:00"
    assert cal.previous_close("2026-03-08T00:00:00Z").isoformat() == "2026-03-06T16:00:00-06:00"
    periods = cal.open_periods(friday, due)
    assert [(a.isoformat(), b.isoformat()) for a, b in periods] == [
        ("2026-03-06T15:30:00-06:00", "2026-03-06T16:00:00-06:00"),
        ("2026-03-09T08:00:00-05:00", "2026-03-09T15:30:00-05:00"),
    ]


def test_fractional_seconds_are_dropped(desk: slate.Policy) -> None:
    cal = desk.calendar("desk")
    t = datetime(2026, 3, 6, 15, 30, 0, 999_999, tzinfo=CHICAGO)
    assert cal.add(t, "0s").isoformat() == "2026-03-06T15:30:00-06:00"
    with pytest.raises(ValueError, match="whole seconds"):
        cal.add(t, timedelta(milliseconds=1500))


def test_24x7_days_and_no_close() -> None:
    p = slate.compile(
        'policy "P" { calendar always }\n'
        "calendar always = 24x7\n"
        'severity high "High"\ntiers basic\n'
        "targets first_response {\n        basic\n  high  1h\n}\n"
    )
    cal = p.calendar("24x7")
    assert cal.zone is None
    assert cal.add("2026-01-01T00:00:00+01:00", "2d") == datetime(2026, 1, 2, 23, 0, tzinfo=UTC)
    assert cal.next_close("2026-01-01T00:00:00Z") is None
