"""slate: support SLA policies, checked and evaluated exactly.

Compile a policy once, then ask it about tickets and business time::

    import slate
    policy = slate.compile("policies/dooap.sla")
    desk = policy.calendar("service_desk")
    print(desk.add("2026-03-06T15:30:00-06:00", "8h"))
    answer = policy.evaluate(ticket_dict, at="2026-03-10T12:00:00Z")

Instants are timezone-aware ``datetime`` objects or RFC 3339 strings with
an offset; a naive one is a ``ValueError`` (slate never guesses a zone).
Durations are exact integer seconds. Every call that does real work
releases the GIL, and one ``Policy`` is safe to share between threads.
``docs/python.md`` in the repository is the guide.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime, timedelta
from itertools import islice
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
    Union,
)

from . import _slate
from ._errors import CompileError, Diagnostic, TicketError

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow

__all__ = [
    "Calendar",
    "CompileError",
    "Diagnostic",
    "Policy",
    "TicketError",
    "compile",
    "events_to_tickets",
]

__version__: str = _slate.__version__

Instant = Union[datetime, str]
DurationLike = Union[str, timedelta]
Ticket = Union[Mapping[str, Any], str, bytes]

# The answer fields that hold instants (turned into aware datetimes).
_CYCLE_TIMES = ("start", "deadline", "stop", "breached_at")


def compile(source: Union[str, "os.PathLike[str]"], *, name: Optional[str] = None) -> "Policy":
    """Parses and checks a policy and prepares its calendars.

    ``source`` is the policy text, or a path to a ``.sla`` file: a
    ``pathlib.Path`` (or other path-like object), or a one-line string that
    ends in ``.sla`` or names an existing file. ``name`` is the file name
    used in messages (default: the path, or ``policy.sla`` for text).

    Raises ``CompileError`` (carrying every finding) when the policy has
    errors; warnings are in ``Policy.warnings``.
    """
    text, default_name = _read_source(source)
    native, findings = _slate.compile_source(text, name or default_name)
    diagnostics = [Diagnostic(**d) for d in findings]
    if native is None:
        raise CompileError(diagnostics)
    return Policy(native, diagnostics)


def _read_source(source: Union[str, "os.PathLike[str]"]) -> Tuple[str, str]:
    if isinstance(source, os.PathLike):
        path = os.fspath(source)
    elif isinstance(source, str):
        one_line = "\n" not in source and "{" not in source
        if one_line and (source.strip().endswith(".sla") or os.path.isfile(source)):
            path = source
        else:
            return source, "policy.sla"
    else:
        raise TypeError(
            f"compile() takes the policy text or a path, not {type(source).__name__}"
        )
    try:
        with open(path, encoding="utf-8") as f:
            return f.read(), path
    except UnicodeDecodeError as e:
        raise ValueError(
            f"{path}: the file is not UTF-8 text (byte {e.start}); re-save it as UTF-8"
        ) from None


class Policy:
    """A compiled policy. Immutable and safe to share between threads.

    Build it with ``slate.compile``.
    """

    __slots__ = ("_native", "warnings")

    def __init__(self, native: Any, warnings: List[Diagnostic]) -> None:
        self._native = native
        #: Lint findings (warnings) of the policy; empty when it is clean.
        self.warnings: List[Diagnostic] = warnings

    def __repr__(self) -> str:
        return f"<slate.Policy {self.name!r}>"

    @property
    def name(self) -> str:
        """The policy's name (``policy "NAME" { ... }``)."""
        return self._native.name

    @property
    def calendar_names(self) -> List[str]:
        """The policy's calendars, in declaration order."""
        return self._native.calendar_names()

    @property
    def metric_names(self) -> List[str]:
        """The policy's metrics (the prelude's and its own), in answer order."""
        return self._native.metric_names()

    def ir(self) -> Dict[str, Any]:
        """The checked policy as the versioned IR (``slate compile``, ``docs/ir.md``)."""
        return json.loads(self._native.ir_json())

    def evaluate(self, ticket: Ticket, at: Instant) -> Dict[str, Any]:
        """Evaluates one ticket at the instant ``at``.

        ``ticket`` is a dict in the ``slate eval`` input format (``id``,
        ``tier``, ``severity``, optional ``type``, ``status`` and ``channel``, ``events``
        with ``at`` and ``type``), or the same as a JSON string. Event times
        may be aware ``datetime`` objects. Events after ``at`` are ignored.

        Returns the answer as a dict with the schema of ``slate eval``'s JSON
        Lines (``docs/eval.md``), instants as aware UTC datetimes. Raises
        ``TicketError`` (which ticket, which field, why) for a ticket that
        does not validate.
        """
        return _answer(self._native.evaluate_json(_ticket_json(ticket), at))

    def evaluate_many(
        self,
        tickets: Iterable[Ticket],
        at: Instant,
        *,
        batch_size: int = 1024,
        on_error: str = "raise",
    ) -> Iterator[Union[Dict[str, Any], TicketError]]:
        """Evaluates tickets from any iterable, lazily, one answer per ticket
        in input order.

        Tickets are taken ``batch_size`` at a time and evaluated in parallel
        with the GIL released. With ``on_error="raise"`` (the default) the
        first bad ticket raises its ``TicketError`` after the answers before
        it were yielded; with ``on_error="yield"`` the error object is yielded
        in its place and evaluation goes on. Errors name the ticket and its
        1-based position (``item``) in the iterable.
        """
        if on_error not in ("raise", "yield"):
            raise ValueError('on_error is "raise" or "yield"')
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        iterator = iter(tickets)
        first = 1
        while True:
            chunk = [_ticket_json(t) for t in islice(iterator, batch_size)]
            if not chunk:
                return
            for result in self._native.evaluate_batch(chunk, at, first):
                if isinstance(result, TicketError):
                    if on_error == "raise":
                        raise result
                    yield result
                else:
                    yield _answer(result)
            first += len(chunk)

    def calendar(self, name: str) -> "Calendar":
        """A calendar of the policy by name (``24x7`` too, when the policy
        uses it). Raises ``KeyError`` with a suggestion for an unknown name."""
        return Calendar(self._native.calendar(name))

    def evaluate_arrow(self, batch: Any, at: Instant) -> "Union[pyarrow.RecordBatch, pyarrow.Table]":
        """Evaluates a ``pyarrow.RecordBatch`` (or any object with the Arrow
        PyCapsule interface) of tickets, one row per ticket, in parallel with
        the GIL released; returns one row per ticket x metric x cycle, and one
        row with ``error`` set for a ticket that fails validation. A
        ``pyarrow.Table`` gives a ``Table``. Schemas: ``slate.arrow`` and
        ``docs/python.md``, "Arrow"."""
        from . import arrow

        return arrow.evaluate(self, batch, at)


class Calendar:
    """One calendar of a policy: business-time arithmetic, exact to the second.

    Open periods are half-open (the closing instant is closed). Answers are
    aware datetimes in the calendar's own zone offset (UTC for ``24x7`` and
    combinations), the instants ``slate time`` prints. Every instant must lie
    in 1900-01-01 to 2200-01-01 UTC (else ``ValueError``).
    """

    __slots__ = ("_native",)

    def __init__(self, native: Any) -> None:
        self._native = native

    def __repr__(self) -> str:
        return f"<slate.Calendar {self.name!r}>"

    @property
    def name(self) -> str:
        """The calendar's name."""
        return self._native.name

    @property
    def zone(self) -> Optional[str]:
        """The IANA zone of a weekly calendar; ``None`` for 24x7 and combinations."""
        return self._native.zone

    def add(self, start: Instant, duration: DurationLike) -> datetime:
        """The earliest instant with ``duration`` of open time since ``start``
        (``"8h"``, ``"1h30m"``, ``timedelta``), or ``start`` plus business
        days (``"2bd"``)."""
        return self._native.add(start, duration)

    def sub(self, end: Instant, duration: DurationLike) -> datetime:
        """The latest instant with ``duration`` of open time before ``end``."""
        return self._native.sub(end, duration)

    def between(self, start: Instant, end: Instant) -> int:
        """Open seconds in ``[start, end)``; negative when ``end`` is before ``start``."""
        return self._native.between(start, end)

    def is_open(self, t: Instant) -> bool:
        """Whether the calendar is open at ``t``."""
        return self._native.is_open(t)

    def next_open(self, t: Instant) -> Optional[datetime]:
        """The first open instant at or after ``t`` (``t`` itself when open);
        ``None`` when it never opens again before 2200."""
        return self._native.next_open(t)

    def next_close(self, t: Instant) -> Optional[datetime]:
        """The first closed instant at or after ``t`` (``t`` itself when
        closed); ``None`` when it stays open until 2200 (always, for 24x7)."""
        return self._native.next_close(t)

    def previous_close(self, t: Instant) -> Optional[datetime]:
        """The latest instant at or before ``t`` at which an open period ended."""
        return self._native.previous_close(t)

    def open_periods(self, start: Instant, end: Instant) -> List[Tuple[datetime, datetime]]:
        """The open periods ``(start, end)`` overlapping ``[start, end)``, clipped to it."""
        return self._native.open_periods(start, end)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(
                f"the event time {value.isoformat()} is a naive datetime (no time zone); "
                "slate never guesses one: give it a tzinfo (e.g. ZoneInfo('America/Chicago') "
                "or timezone.utc) or write a string with an offset"
            )
        return value.isoformat()
    if isinstance(value, date):
        raise ValueError(
            f"the event time {value.isoformat()} is a date; an event needs an instant "
            "(an aware datetime or an RFC 3339 string with an offset)"
        )
    raise TypeError(f"a ticket cannot hold a {type(value).__name__} ({value!r})")


def _ticket_json(ticket: Ticket) -> str:
    if isinstance(ticket, str):
        return ticket
    if isinstance(ticket, (bytes, bytearray)):
        return bytes(ticket).decode("utf-8")
    if isinstance(ticket, Mapping):
        return json.dumps(ticket, default=_json_default, separators=(",", ":"))
    raise TypeError(
        f"a ticket is a dict or a JSON string, not {type(ticket).__name__}"
    )


def _instant(text: Optional[str]) -> Optional[datetime]:
    if text is None:
        return None
    # Answers are UTC with a `Z`, which fromisoformat reads from 3.11 on.
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


def _answer(text: str) -> Dict[str, Any]:
    answer = json.loads(text)
    answer["at"] = _instant(answer["at"])
    for metric in answer["metrics"]:
        for cycle in metric["cycles"]:
            for key in _CYCLE_TIMES:
                cycle[key] = _instant(cycle.get(key))
            for milestone in cycle.get("milestones", ()):
                milestone["fires_at"] = _instant(milestone.get("fires_at"))
    return answer


def events_to_tickets(*args: Any, **kwargs: Any) -> "pyarrow.RecordBatch":
    """Builds the ``evaluate_arrow`` input from a long events table (one row
    per event). See ``slate.arrow.events_to_tickets``."""
    from . import arrow

    return arrow.events_to_tickets(*args, **kwargs)
