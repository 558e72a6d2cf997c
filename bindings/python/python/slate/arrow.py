"""Arrow batches of tickets in, Arrow batches of answers out (needs pyarrow).

``Policy.evaluate_arrow(batch, at)`` takes a record batch with one row per
ticket (``INPUT_SCHEMA``) and returns one row per ticket x metric x cycle
(``OUTPUT_SCHEMA``), crossing the Arrow C data interface without copying.
``events_to_tickets`` builds that input from a long events table (one row
per event). The schemas are documented in ``docs/python.md``, "Arrow".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Union

import pyarrow as pa
import pyarrow.compute as pc

from . import _slate

if TYPE_CHECKING:  # pragma: no cover
    from . import Instant, Policy

#: The events of a ticket: ``list<struct<at, type, value>>``.
EVENT_TYPE = pa.struct(
    [
        pa.field("at", pa.timestamp("us", tz="UTC")),
        pa.field("type", pa.string()),
        pa.field("value", pa.string()),
    ]
)

#: One row per ticket. ``type``, ``status`` and ``channel`` may be absent or null;
#: ``id`` may also be an integer column.
INPUT_SCHEMA = pa.schema(
    [
        pa.field("id", pa.string()),
        pa.field("tier", pa.string()),
        pa.field("severity", pa.string()),
        pa.field("type", pa.string()),
        pa.field("status", pa.string()),
        pa.field("channel", pa.string()),
        pa.field("events", pa.list_(EVENT_TYPE)),
    ]
)

#: One row per ticket x metric x cycle (a metric without cycles has one row
#: with a null ``cycle``; a ticket that failed has one row with ``error``).
OUTPUT_SCHEMA: pa.Schema = pa.record_batch(_slate.empty_output()).schema


def evaluate(policy: "Policy", batch: Any, at: "Instant") -> Union[pa.RecordBatch, pa.Table]:
    """``Policy.evaluate_arrow``: a ``pyarrow.RecordBatch`` (or any object
    with ``__arrow_c_array__``) in, a ``RecordBatch`` out. A ``pyarrow.Table``
    is evaluated batch by batch and gives a ``Table``."""
    if isinstance(batch, pa.Table):
        parts = [p for b in batch.to_batches() for p in evaluate_batches(policy, b, at)]
        return pa.Table.from_batches(parts, schema=OUTPUT_SCHEMA)
    parts = evaluate_batches(policy, batch, at)
    if len(parts) == 1:
        return parts[0]
    return pa.Table.from_batches(parts, schema=OUTPUT_SCHEMA).combine_chunks().to_batches()[0]


def evaluate_batches(policy: "Policy", batch: Any, at: "Instant") -> List[pa.RecordBatch]:
    """Like ``evaluate`` for one record batch, but the answers come as
    consecutive batches (one per chunk of up to 8,192 tickets evaluated on
    one thread), in input order, without the copy that joining them into a
    single batch costs. ``slate.spark`` uses this."""
    parts = [pa.record_batch(o) for o in policy._native.evaluate_arrow(batch, at)]
    return parts or [_empty()]


def _empty() -> pa.RecordBatch:
    return pa.record_batch(_slate.empty_output())


def events_to_tickets(
    events: Union[pa.Table, pa.RecordBatch],
    *,
    id: str = "ticket_id",
    at: str = "at",
    type: str = "type",
    value: str = "value",
) -> pa.RecordBatch:
    """Builds the ``evaluate_arrow`` input from a long table with one row per
    event (the shape of ``slate eval``'s CSV input).

    Columns: ``id`` (the ticket id), ``at`` (a timestamp with a time zone, or
    RFC 3339 strings with an offset), ``type`` (the event type), ``value``
    (the new status, severity or tier of change events; optional),
    optionally ``actor`` (``agent``, ``customer``, ``system``) and ``public``
    (booleans), each row's event's, null being absent (``docs/eval.md``,
    Input), and optionally ``tier``, ``severity``, ``issue_type``,
    ``status`` and ``channel``: the ticket's fields, from the first row of
    the ticket where they are not null. Rows of one ticket need not be
    consecutive; tickets come out in order of id, each ticket's events in
    input order.
    """
    table = events if isinstance(events, pa.Table) else pa.Table.from_batches([events])
    for name in (id, at, type):
        if name not in table.column_names:
            raise ValueError(
                f"the events table has no column `{name}` (it has: {', '.join(table.column_names)})"
            )
    n = table.num_rows
    ids = table[id].combine_chunks()
    if ids.null_count:
        first_null = pc.index(pc.is_null(ids), True).as_py()
        raise ValueError(f"row {first_null + 1} of the events table has no `{id}`")
    if pa.types.is_integer(ids.type):
        ids = pc.cast(ids, pa.string())
    times = _timestamps(table[at].combine_chunks(), at)
    kinds = pc.cast(table[type].combine_chunks(), pa.string())
    values = (
        pc.cast(table[value].combine_chunks(), pa.string())
        if value in table.column_names
        else pa.nulls(n, pa.string())
    )
    # A stable sort by id keeps each ticket's events in input order.
    order = pc.sort_indices(ids, sort_keys=[("", "ascending")]) if n else pa.array([], pa.int64())
    ids = ids.take(order)
    if n:
        changes = pc.not_equal(ids.slice(1), ids.slice(0, n - 1))
        starts = pc.add(pc.indices_nonzero(changes), 1)
        offsets = pa.concat_arrays(
            [pa.array([0], pa.int64()), pc.cast(starts, pa.int64()), pa.array([n], pa.int64())]
        )
    else:
        offsets = pa.array([0], pa.int64())
    offsets = pc.cast(offsets, pa.int32())
    event_arrays = [times.take(order), kinds.take(order), values.take(order)]
    event_fields = list(EVENT_TYPE)
    # Who acted, when the table says: passed through as the event structs'
    # optional `actor` and `public` fields.
    if "actor" in table.column_names:
        event_arrays.append(pc.cast(table["actor"].combine_chunks(), pa.string()).take(order))
        event_fields.append(pa.field("actor", pa.string()))
    if "public" in table.column_names:
        public = table["public"].combine_chunks()
        if not pa.types.is_boolean(public.type):
            raise ValueError(f"`public` is {public.type}; it must be booleans (null: absent)")
        event_arrays.append(public.take(order))
        event_fields.append(pa.field("public", pa.bool_()))
    event_type = pa.struct(event_fields)
    event_structs = pa.StructArray.from_arrays(event_arrays, fields=event_fields)
    firsts = offsets.slice(0, len(offsets) - 1)
    ticket_ids = ids.take(firsts)
    columns = {
        "id": ticket_ids,
        "events": pa.ListArray.from_arrays(offsets, event_structs, type=pa.list_(event_type)),
    }
    for out, src in (("tier", "tier"), ("severity", "severity"), ("type", "issue_type"), ("status", "status"), ("channel", "channel")):
        if src in table.column_names:
            columns[out] = _first_per_ticket(
                ids, pc.cast(table[src].combine_chunks(), pa.string()).take(order), ticket_ids
            )
    names = [f.name for f in INPUT_SCHEMA if f.name in columns]
    return pa.record_batch([columns[c] for c in names], names=names)


def _timestamps(col: pa.Array, name: str) -> pa.Array:
    if pa.types.is_timestamp(col.type):
        if col.type.tz is None:
            raise ValueError(
                f"`{name}` is a timestamp without a time zone; slate never guesses one: "
                f"use pyarrow.compute.assume_timezone(col, 'America/Chicago') (or the zone "
                "the times were written in) first"
            )
        return pc.cast(col, pa.timestamp("us", tz="UTC"))
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        try:
            return pc.cast(col, pa.timestamp("us", tz="UTC"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
            raise ValueError(
                f"`{name}` must hold RFC 3339 times with an offset "
                f"(2026-03-06T15:30:00-06:00): {e}"
            ) from None
    raise ValueError(f"`{name}` is {col.type}; it must be a timestamp with a time zone or strings")


def _first_per_ticket(ids: pa.Array, col: pa.Array, ticket_ids: pa.Array) -> pa.Array:
    """For each ticket (in ``ticket_ids`` order) the first non-null value of
    ``col`` among its rows (``ids`` and ``col`` sorted by id, stable)."""
    grouped = pa.table({"id": ids, "v": col}).group_by("id", use_threads=False).aggregate(
        [("v", "first")]
    )
    where = pc.index_in(ticket_ids, value_set=grouped["id"])
    return grouped["v_first"].combine_chunks().take(where)
