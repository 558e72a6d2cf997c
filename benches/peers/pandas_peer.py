"""pandas CustomBusinessHour on the same cases as slate's calendar bench.

Prints `pandas <calendar> <op> <ops/s>` lines. pandas has no calendar
union across two time zones, so the union case is reported as unsupported.
The holiday-heavy calendar repeats the rule in benches/common/mod.rs.
"""

import datetime as dt
import time

import pandas as pd

YEARLY = [(1, 1), (6, 19), (7, 4), (11, 11), (12, 24), (12, 25), (12, 26), (12, 31)]


def dated_closures():
    out = []
    for year in range(2026, 2046):
        for k in range(30):
            ordinal = (k * 37 + year * 11) % 365 + 1
            if ordinal <= 366:
                d = dt.date(year, 1, 1) + dt.timedelta(days=ordinal - 1)
                if d.year == year:
                    out.append(d)
    return out


def holidays():
    days = set(dated_closures())
    for year in range(2020, 2061):
        for m, d in YEARLY:
            days.add(dt.date(year, m, d))
    return sorted(days)


def starts():
    out = []
    for i in range(64):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=(i * 5) % 360)
        out.append(pd.Timestamp(dt.datetime(day.year, day.month, day.day, 9 + i % 7, (i * 13) % 60)))
    return out


def measure(fn, ts, budget=0.5):
    for t in ts[:4]:
        fn(t)
    n = 0
    began = time.perf_counter()
    while time.perf_counter() - began < budget:
        for t in ts:
            fn(t)
        n += len(ts)
    return int(n / (time.perf_counter() - began))


def main():
    ts = starts()
    # Naive wall-clock timestamps: pandas business hours count wall-clock
    # time, so DST changes are not real elapsed time (slate's are).
    cals = {
        "plain": pd.offsets.CustomBusinessHour(start="08:00", end="16:00", weekmask="Mon Tue Wed Thu Fri"),
        "holiday_heavy": pd.offsets.CustomBusinessHour(
            start="08:00", end="16:00", weekmask="Mon Tue Wed Thu Fri", holidays=holidays()
        ),
    }
    for name, cbh in cals.items():
        for op, n in (("add_8h", 8), ("add_10000h", 10_000)):
            for t in ts[:8]:
                print(f"answer {name} {op} {(t + n * cbh).isoformat()}", flush=True)
    for name, cbh in cals.items():
        h8 = 8 * cbh
        h10k = 10_000 * cbh
        print(f"pandas {name} add_8h {measure(lambda t: t + h8, ts)}", flush=True)
        print(f"pandas {name} add_10000h {measure(lambda t: t + h10k, ts, budget=2.0)}", flush=True)
    print("pandas union_chicago_helsinki add_8h unsupported", flush=True)
    print("pandas union_chicago_helsinki add_10000h unsupported", flush=True)
    print(f"pandas_version {pd.__version__}")


if __name__ == "__main__":
    main()
