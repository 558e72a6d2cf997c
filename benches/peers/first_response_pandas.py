"""The peer comparison's question in pandas (benches/peers/README.md): the
same rule as first_response_polars.py (read its docstring), vectorized.

    python first_response_pandas.py TICKETS.jsonl AT OUT.csv

JSON Lines are read with pandas' pyarrow engine into Arrow-backed columns,
so the events are flattened without a Python object per event; business
days are counted with numpy's busday functions.
"""

import sys

import numpy as np
import pandas as pd

from question import CLOSE, DAY, FMT, OPEN, TARGET_HOURS, ZONE
WEEK = "1111100"


def answer(path, at):
    df = pd.read_json(path, lines=True, engine="pyarrow", dtype_backend="pyarrow")
    n = len(df)
    events = df["events"]
    lengths = events.list.len().to_numpy(dtype=np.int64)
    flat = events.list.flatten()
    row = np.repeat(np.arange(n), lengths)
    at_field = flat.struct.field("at")
    if pd.api.types.is_datetime64_any_dtype(at_field.dtype):
        # pyarrow's reader already read the `...Z` strings as UTC instants.
        ev_at = at_field.to_numpy(dtype="datetime64[s]")
    else:
        ev_at = pd.to_datetime(at_field.astype(str), format=FMT, utc=True).tz_localize(None).to_numpy()
    ev_type = flat.struct.field("type").astype(str).to_numpy()
    keep = ev_at <= np.datetime64(at.tz_convert(None))
    frame = pd.DataFrame({"row": row[keep], "at": ev_at[keep], "type": ev_type[keep]})
    opened = frame.loc[frame["type"] == "opened"].groupby("row")["at"].min().reindex(range(n))
    stops = frame.loc[frame["type"].isin(["replied", "resolved"])]
    stop = stops.groupby("row")["at"].min().reindex(range(n))

    key = pd.MultiIndex.from_arrays([df["severity"].astype(str), df["tier"].astype(str)])
    target = pd.Series(TARGET_HOURS).reindex(key).to_numpy(dtype=np.int64) * 3600

    local = pd.DatetimeIndex(opened.to_numpy()).tz_localize("UTC").tz_convert(ZONE)
    has = ~np.isnat(opened.to_numpy())
    sec = (local.hour * 3600 + local.minute * 60 + local.second).to_numpy(dtype=np.int64, na_value=0)
    date = local.tz_localize(None).normalize().to_numpy().astype("datetime64[D]")
    date = np.where(has, date, np.datetime64("2026-01-01", "D"))
    weekday = np.is_busday(date, weekmask=WEEK)
    in_hours = weekday & (sec >= OPEN) & (sec < CLOSE)
    # Where the clock first counts: see first_response_polars.py.
    start_date = np.where(
        weekday & (sec < CLOSE),
        date,
        np.where(
            weekday,
            np.busday_offset(date, 1, roll="forward", weekmask=WEEK),
            np.busday_offset(date, 0, roll="forward", weekmask=WEEK),
        ),
    )
    total = np.where(in_hours, sec - OPEN, 0) + target
    whole, rest = np.divmod(total, DAY)
    days = np.where(rest == 0, whole - 1, whole)
    clock = np.where(rest == 0, CLOSE, OPEN + rest)
    deadline_day = np.busday_offset(start_date, days, roll="forward", weekmask=WEEK)
    deadline_local = deadline_day.astype("datetime64[s]") + clock.astype("timedelta64[s]")
    deadline = (
        pd.DatetimeIndex(deadline_local).tz_localize(ZONE).tz_convert("UTC").tz_localize(None).to_numpy()
    )
    deadline = np.where(has, deadline, np.datetime64("NaT"))
    stop_v = stop.to_numpy()
    end = np.where(np.isnat(stop_v), np.datetime64(at.tz_convert(None)), stop_v)
    breached = has & (deadline < end)
    state = np.where(
        ~has, "not_started", np.where(breached, "breached", np.where(~np.isnat(stop_v), "met", "running"))
    )
    fmt = lambda a: pd.Series(pd.DatetimeIndex(a).strftime(FMT)).fillna("")
    return pd.DataFrame(
        {
            "ticket": df["id"].astype(str),
            "state": state,
            "deadline": fmt(deadline),
            "stop": fmt(stop_v),
            "breached_at": fmt(np.where(breached, deadline, np.datetime64("NaT"))),
        }
    )


def main():
    path, at_text, out_path = sys.argv[1:4]
    at = pd.Timestamp(at_text)
    answer(path, at).to_csv(out_path, index=False)


if __name__ == "__main__":
    main()
