"""The peer comparison's question in polars (benches/peers/README.md):
first-response deadline and breach on Mon-Fri 09:00-17:00 America/New_York.

    python first_response_polars.py TICKETS.jsonl AT OUT.csv

Reads slate eval's JSON Lines input, answers every ticket at AT and writes
`ticket,state,deadline,stop,breached_at` (UTC, `...Z`), in input order.

The rule, as slate applies it to these tickets (docs/eval.md): the clock
starts at `opened` and stops at the first `replied` or `resolved`; events
after AT are ignored (a ticket opened after AT is `not_started`). Open time
is Mon-Fri 09:00-17:00 wall-clock time in New York, so every business day
has exactly 8 real hours (DST changes at 02:00 on Sundays, outside them).
The deadline is the first instant the open time since the start reaches the
target: a target that ends exactly at a closing time ends at 17:00, not at
the next opening. Breached when the deadline is strictly before the stop
(or, still running, before AT).
"""

import sys
from datetime import datetime, timezone

import polars as pl

from question import CLOSE, DAY, FMT, OPEN, TARGET_HOURS, ZONE


def answer(path, at):
    schema = {
        "id": pl.String,
        "tier": pl.String,
        "severity": pl.String,
        "events": pl.List(pl.Struct({"at": pl.String, "type": pl.String})),
    }
    tickets = pl.scan_ndjson(path, schema=schema).with_row_index("row")
    targets = pl.LazyFrame(
        {
            "severity": [s for s, _ in TARGET_HOURS],
            "tier": [t for _, t in TARGET_HOURS],
            "target": [h * 3600 for h in TARGET_HOURS.values()],
        },
        schema={"severity": pl.String, "tier": pl.String, "target": pl.Int64},
    )
    events = (
        tickets.select("row", "events")
        .explode("events")
        .select(
            "row",
            pl.col("events").struct.field("at").str.to_datetime(FMT, time_zone="UTC").alias("at"),
            pl.col("events").struct.field("type").alias("type"),
        )
        .filter(pl.col("at") <= at)
        .group_by("row")
        .agg(
            pl.col("at").filter(pl.col("type") == "opened").min().alias("opened"),
            pl.col("at").filter(pl.col("type").is_in(["replied", "resolved"])).min().alias("stop"),
        )
    )
    local = pl.col("opened").dt.convert_time_zone(ZONE)
    sec = local.dt.hour().cast(pl.Int64) * 3600 + local.dt.minute().cast(pl.Int64) * 60 + local.dt.second().cast(pl.Int64)
    weekday = local.dt.weekday() <= 5
    date = local.dt.date()
    # Where the clock first counts: the opening instant when open, else the
    # next opening (today before 09:00, else the next business day).
    start_date = (
        pl.when(weekday & (sec < CLOSE)).then(date)
        .when(weekday).then(date.dt.add_business_days(1))
        .otherwise(date.dt.add_business_days(0, roll="forward"))
    )
    into_day = pl.when(weekday & (sec >= OPEN) & (sec < CLOSE)).then(sec - OPEN).otherwise(0)
    total = into_day + pl.col("target")
    whole, rest = total // DAY, total % DAY
    days = pl.when(rest == 0).then(whole - 1).otherwise(whole)
    clock = pl.when(rest == 0).then(pl.lit(CLOSE, pl.Int64)).otherwise(OPEN + rest)
    deadline = (
        (start_date.dt.add_business_days(days).cast(pl.Datetime("us")) + pl.duration(seconds=clock))
        .dt.replace_time_zone(ZONE)
        .dt.convert_time_zone("UTC")
    )
    end = pl.coalesce("stop", pl.lit(at))
    out = (
        tickets.select("row", "id", "severity", "tier")
        .join(targets, on=["severity", "tier"], how="left")
        .join(events, on="row", how="left")
        .sort("row")
        .with_columns(deadline.alias("deadline"))
        .with_columns(
            pl.when(pl.col("opened").is_null()).then(pl.lit("not_started"))
            .when(pl.col("deadline") < end).then(pl.lit("breached"))
            .when(pl.col("stop").is_not_null()).then(pl.lit("met"))
            .otherwise(pl.lit("running"))
            .alias("state")
        )
        .select(
            pl.col("id").alias("ticket"),
            "state",
            pl.col("deadline").dt.strftime(FMT),
            pl.col("stop").dt.strftime(FMT),
            pl.when(pl.col("state") == "breached").then(pl.col("deadline")).dt.strftime(FMT).alias("breached_at"),
        )
    )
    return out


def main():
    path, at_text, out_path = sys.argv[1:4]
    at = datetime.strptime(at_text, FMT).replace(tzinfo=timezone.utc)
    answer(path, at).sink_csv(out_path)


if __name__ == "__main__":
    main()
