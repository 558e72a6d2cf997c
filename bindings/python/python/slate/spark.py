"""slate on Spark: the Arrow kernel on executors, through ``mapInArrow``.

``evaluate(df, policy_source, at)`` takes a DataFrame with one row per
ticket (the columns of ``slate.arrow.INPUT_SCHEMA``) and returns a DataFrame
with one row per ticket x metric x cycle (``output_schema()``: the Arrow
output schema, with ``state`` and ``metric_state`` as plain strings, since
Spark has no dictionary type). ``events_to_tickets(events_df)`` builds the
input from a long events table. ``docs/spark.md`` has the recipe for a real
cluster.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Dict, Iterator, Tuple, Union

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow
    from pyspark.sql import DataFrame
    from pyspark.sql.types import StructType

    from . import Instant, Policy

# Policies compiled in this (executor) process, by source text.
_POLICIES: Dict[str, "Policy"] = {}


def _policy(text: str, name: str) -> "Policy":
    policy = _POLICIES.get(text)
    if policy is None:
        from . import compile

        policy = compile(text, name=name)
        _POLICIES[text] = policy
    return policy


def _source(policy_source: Union[str, "os.PathLike[str]"]) -> Tuple[str, str]:
    from . import _read_source

    return _read_source(policy_source)


def _instant_text(at: "Instant") -> str:
    """``at`` checked on the driver and shipped as text (naive -> ValueError)."""
    if isinstance(at, datetime):
        if at.utcoffset() is None:
            raise ValueError(
                f"`at` {at.isoformat()} is a naive datetime (no time zone); slate never "
                "guesses one: give it a tzinfo or write a string with an offset"
            )
        return at.astimezone(timezone.utc).isoformat()
    return at


def output_arrow_schema() -> "pyarrow.Schema":
    """The Arrow schema of the rows ``evaluate`` returns (dictionaries decoded)."""
    import pyarrow as pa

    from .arrow import OUTPUT_SCHEMA

    fields = [
        pa.field(f.name, f.type.value_type, f.nullable) if pa.types.is_dictionary(f.type) else f
        for f in OUTPUT_SCHEMA
    ]
    return pa.schema(fields)


def output_schema() -> "StructType":
    """The Spark schema of the DataFrame ``evaluate`` returns."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(output_arrow_schema())


def _decode(batch: "pyarrow.RecordBatch", schema: "pyarrow.Schema") -> "pyarrow.RecordBatch":
    import pyarrow as pa

    columns = [
        col.cast(schema.field(i).type) if pa.types.is_dictionary(col.type) else col
        for i, col in enumerate(batch.columns)
    ]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def evaluate(
    df: "DataFrame",
    policy_source: Union[str, "os.PathLike[str]"],
    at: "Instant",
) -> "DataFrame":
    """Evaluates every ticket of ``df`` at ``at`` on the executors.

    ``policy_source`` is the policy text or a path readable on the driver
    (its text is shipped to the executors, which compile it once per
    Python worker). The policy is compiled on the driver first, so a policy
    with errors raises ``slate.CompileError`` here, before any job starts.
    Bad tickets become rows with ``error`` set, as in ``evaluate_arrow``.
    Executors need the ``slate`` wheel installed (``docs/spark.md``).
    """
    text, name = _source(policy_source)
    _policy(text, name)  # fail fast, on the driver
    at_text = _instant_text(at)
    arrow_schema = output_arrow_schema()

    def run(batches: Iterator["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        policy = _policy(text, name)
        from .arrow import evaluate_batches

        for batch in batches:
            if batch.num_rows == 0:
                continue
            for part in evaluate_batches(policy, batch, at_text):
                yield _decode(part, arrow_schema)

    return df.mapInArrow(run, output_schema())


def events_to_tickets(
    events: "DataFrame",
    *,
    id: str = "ticket_id",
    at: str = "at",
    type: str = "type",
    value: str = "value",
) -> "DataFrame":
    """Builds ``evaluate``'s input from a DataFrame with one row per event:
    ``id``, ``at`` (a timestamp), ``type``, ``value`` (optional),
    optionally ``actor`` (string) and ``public`` (boolean), each row's
    event's (null: absent), and optionally ``tier``, ``severity``,
    ``issue_type``, ``status`` and ``channel`` (the first non-null value of
    each ticket). This is a shuffle by ticket id; each ticket's events come
    out ordered by time, then input order."""
    from pyspark.sql import functions as F

    cols = set(events.columns)
    for name in (id, at, type):
        if name not in cols:
            raise ValueError(
                f"the events DataFrame has no column `{name}` (it has: {', '.join(events.columns)})"
            )
    value_col = F.col(value).cast("string") if value in cols else F.lit(None).cast("string")
    seq = F.monotonically_increasing_id()
    # Who acted, when the table says (the event structs' optional fields).
    who = []
    if "actor" in cols:
        who.append(F.col("actor").cast("string").alias("actor"))
    if "public" in cols:
        who.append(F.col("public").cast("boolean").alias("public"))
    who_names = [c for c in ("actor", "public") if c in cols]
    staged = events.select(
        F.col(id).cast("string").alias("id"),
        F.struct(
            F.col(at).cast("timestamp").alias("at"),
            seq.alias("seq"),
            F.col(type).cast("string").alias("type"),
            value_col.alias("value"),
            *who,
        ).alias("event"),
        *[F.col(c).cast("string").alias(c) for c in ("tier", "severity", "issue_type", "status", "channel") if c in cols],
    )
    firsts = [
        F.first(c, ignorenulls=True).alias("type" if c == "issue_type" else c)
        for c in ("tier", "severity", "issue_type", "status", "channel")
        if c in cols
    ]
    grouped = staged.groupBy("id").agg(
        F.array_sort(F.collect_list("event")).alias("events"), *firsts
    )
    events_col = F.transform(
        "events",
        lambda e: F.struct(
            e["at"].alias("at"),
            e["type"].alias("type"),
            e["value"].alias("value"),
            *[e[c].alias(c) for c in who_names],
        ),
    ).alias("events")
    keep = [c for c in ("tier", "severity", "type", "status", "channel") if c in grouped.columns]
    return grouped.select("id", *keep, events_col)
