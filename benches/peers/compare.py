"""Compares slate's answers with a peer's, ticket by ticket.

    python compare.py SLATE.csv PEER.csv

SLATE.csv: `slate eval ... --metrics first_response --format csv`; PEER.csv:
`ticket,state,deadline,stop,breached_at` from a peer script. Every ticket
must have one row in each, in the same order, with the same state,
deadline, stop and breach instant. Prints the count and the first
mismatches; exits 1 when there is any.
"""

import sys

import polars as pl

COLUMNS = ["ticket", "state", "deadline", "stop", "breached_at"]


def main():
    slate_path, peer_path = sys.argv[1:3]
    text = {c: pl.String for c in COLUMNS}
    slate = pl.read_csv(slate_path, schema_overrides=text, infer_schema=False)
    if set(slate["metric"].unique()) != {"first_response"}:
        sys.exit("SLATE.csv must hold first_response rows only (--metrics first_response)")
    slate = slate.select(COLUMNS).fill_null("")
    peer = pl.read_csv(peer_path, schema_overrides=text, infer_schema=False).select(COLUMNS).fill_null("")
    if slate.height != peer.height:
        print(f"row counts differ: slate {slate.height}, peer {peer.height}")
        sys.exit(1)
    same = pl.DataFrame({c: slate[c] == peer[c] for c in COLUMNS}).select(
        pl.all_horizontal(pl.all()).alias("same")
    )["same"]
    bad = int((~same).sum())
    print(f"{slate.height} tickets compared, {bad} mismatches")
    if bad:
        idx = [i for i, ok in enumerate(same) if not ok][:5]
        for i in idx:
            print("slate:", slate.row(i))
            print("peer: ", peer.row(i))
        sys.exit(1)


if __name__ == "__main__":
    main()
