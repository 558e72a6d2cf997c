"""Measures the Python package against the CLI (numbers in docs/performance.md).

    python bench/perf.py TICKETS.jsonl POLICY.sla --at 2026-04-01T00:00:00Z \
        --slate ./target/release/slate [--per-call 100000] [--spark 1,2]

1. `slate eval` on the file (CPU = user + sys of the child);
2. `Policy.evaluate_arrow` on the same tickets, loaded into Arrow first
   (loading is timed separately), 65,536 tickets per batch; CPU is this
   process's, all threads;
3. `Policy.evaluate` per ticket on the first --per-call lines (JSON text,
   then dicts), giving the per-call cost from Python;
4. with --spark: `slate.spark.evaluate` in local mode with 1 and/or 2 cores
   on the same tickets (Parquet in, the `noop` sink out), and the share of
   the time spent outside slate (1 - slate's CPU in the workers / (cores x
   wall)).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
import pyarrow.parquet as pq

import slate


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def load(path: str) -> pa.Table:
    """JSON Lines tickets -> the evaluate_arrow input (change values from
    their `status` / `severity` / `tier` keys into `value`)."""
    table = pj.read_json(path, read_options=pj.ReadOptions(block_size=64 << 20))
    events = table["events"].combine_chunks()
    flat = events.flatten()
    names = [f.name for f in flat.type]
    at = pc.cast(flat.field("at"), pa.timestamp("us", tz="UTC"))
    parts = [flat.field(k) for k in ("status", "severity", "tier") if k in names]
    value = pc.coalesce(*parts) if parts else pa.nulls(len(flat), pa.string())
    structs = pa.StructArray.from_arrays([at, flat.field("type"), value], names=["at", "type", "value"])
    lists = pa.ListArray.from_arrays(events.offsets, structs)
    cols = {"id": table["id"], "tier": table["tier"], "severity": table["severity"], "events": lists}
    for c in ("type", "status"):
        if c in table.column_names:
            cols[c] = table[c]
    return pa.table(cols)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tickets")
    ap.add_argument("policy")
    ap.add_argument("--at", required=True)
    ap.add_argument("--slate", required=True)
    ap.add_argument("--per-call", type=int, default=100_000)
    ap.add_argument("--spark", default="")
    args = ap.parse_args()
    policy = slate.compile(args.policy)
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)

    c0, w0 = children_cpu(), time.perf_counter()
    with open(os.devnull, "wb") as null:
        subprocess.run([args.slate, "eval", args.policy, args.tickets, "--at", args.at, "--all-metrics", "--quiet"],
                       stdout=null, check=False)
    cli_cpu, cli_wall = children_cpu() - c0, time.perf_counter() - w0
    print(f"slate eval: {cli_wall:.2f} s wall, {cli_cpu:.2f} s CPU", flush=True)

    w0 = time.perf_counter()
    table = load(args.tickets)
    print(f"load into Arrow: {time.perf_counter() - w0:.2f} s wall, {table.num_rows} tickets", flush=True)
    from slate.arrow import evaluate_batches

    for name, run in (("evaluate_arrow", policy.evaluate_arrow),
                      ("evaluate_batches", lambda b, at: evaluate_batches(policy, b, at))):
        c0, w0 = time.process_time(), time.perf_counter()
        rows = errors = 0
        for batch in table.to_batches(max_chunksize=65_536):
            out = run(batch, args.at)
            for o in out if isinstance(out, list) else [out]:
                rows += o.num_rows
                errors += o.num_rows - o.column("error").null_count
        arrow_cpu, arrow_wall = time.process_time() - c0, time.perf_counter() - w0
        print(f"{name}: {arrow_wall:.2f} s wall, {arrow_cpu:.2f} s CPU, {rows} rows, "
              f"{errors} error rows; CPU / CLI CPU = {arrow_cpu / cli_cpu:.2f}", flush=True)
    per_ticket_kernel = arrow_cpu / table.num_rows

    with open(args.tickets) as f:
        lines = [l for l in islice(f, args.per_call)]
    dicts = [json.loads(l) for l in lines]
    for name, items in (("JSON text", lines), ("dict", dicts)):
        c0, w0 = time.process_time(), time.perf_counter()
        for t in items:
            policy.evaluate(t, args.at)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        per = cpu / len(items)
        print(f"evaluate per ticket ({name}): {wall / len(items) * 1e6:.1f} us wall, "
              f"{per * 1e6:.1f} us CPU per call; minus the kernel's {per_ticket_kernel * 1e6:.1f} us: "
              f"{(per - per_ticket_kernel) * 1e6:.1f} us per call outside the evaluation", flush=True)

    if args.spark:
        spark_runs(table, policy, args, [int(c) for c in args.spark.split(",")])


def spark_runs(table: pa.Table, policy: "slate.Policy", args, cores_list) -> None:
    from pyspark.sql import SparkSession

    import slate.spark as ss
    from slate.arrow import evaluate_batches

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["RAYON_NUM_THREADS"] = "1"
    tmp = tempfile.mkdtemp(prefix="slate-spark-bench-")
    # Row groups of 64k tickets, so that Spark can split the file into tasks.
    pq.write_table(table, os.path.join(tmp, "tickets.parquet"), row_group_size=65_536)
    text = open(args.policy, encoding="utf-8").read()
    at = args.at
    schema = ss.output_schema()
    arrow_schema = ss.output_arrow_schema()
    for cores in cores_list:
        spark = (
            SparkSession.builder.master(f"local[{cores}]")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.memory", "4g")
            .config("spark.executorEnv.RAYON_NUM_THREADS", "1")
            .config("spark.sql.files.maxPartitionBytes", str(8 << 20))
            .getOrCreate()
        )
        cpu_in_slate = spark.sparkContext.accumulator(0.0)

        def run(batches):
            p = ss._policy(text, "policy.sla")
            for b in batches:
                c = time.process_time()
                outs = [ss._decode(o, arrow_schema) for o in evaluate_batches(p, b, at)]
                cpu_in_slate.add(time.process_time() - c)
                yield from outs

        df = spark.read.parquet(os.path.join(tmp, "tickets.parquet"))
        w0 = time.perf_counter()
        df.mapInArrow(run, schema).write.format("noop").mode("overwrite").save()
        wall = time.perf_counter() - w0
        inside = cpu_in_slate.value
        print(f"spark local[{cores}]: {wall:.2f} s wall, {table.num_rows / wall:,.0f} tickets/s, "
              f"slate kernel {inside:.2f} s CPU in the workers, outside slate "
              f"{1 - inside / (cores * wall):.0%} of {cores} x wall", flush=True)
        spark.stop()


if __name__ == "__main__":
    main()
