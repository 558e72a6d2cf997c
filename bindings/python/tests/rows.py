"""Flattens `slate eval` JSON answers into the rows of evaluate_arrow's output,
so that the two can be compared field by field."""

from datetime import datetime, timezone
from typing import Any, Dict, List

TIME_COLUMNS = ("at", "start", "deadline", "stop", "breached_at")


def text(t: Any) -> Any:
    """An instant as `slate eval` writes it (UTC, whole seconds, `Z`)."""
    if isinstance(t, datetime):
        return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return t


def answer_rows(answer: Dict[str, Any]) -> List[Dict[str, Any]]:
    """One row per metric x cycle (a metric without cycles: one row with a
    null cycle), with the columns of slate.arrow.OUTPUT_SCHEMA."""
    rows = []
    for m in answer["metrics"]:
        base = {
            "ticket": answer["id"], "at": text(answer["at"]), "tier": answer["tier"],
            "severity": answer["severity"], "type": answer["type"], "status": answer["status"],
            "metric": m["metric"], "metric_state": m["state"], "breaches": m["breaches"],
            "error": None, "error_kind": None, "error_field": None,
        }
        cycles = m["cycles"] or [None]
        for c in cycles:
            row = dict(base)
            keys = ("cycle", "state", "target", "target_seconds", "calendar", "start",
                    "started_by", "deadline", "stop", "stopped_by", "elapsed_seconds",
                    "remaining_seconds", "wall_seconds", "consumed_permille", "breached_at")
            for k in keys:
                row[k] = None if c is None else text(c[k])
            row["milestones"] = None if c is None else [
                {"kind": ms["kind"], "percent": ms["percent"], "to": ms["to"],
                 "fires_at": text(ms["fires_at"]), "fired": ms["fired"]}
                for ms in c["milestones"]
            ]
            rows.append(row)
    return rows


def arrow_rows(batch) -> List[Dict[str, Any]]:
    """evaluate_arrow's output as dicts, instants written as `slate eval` does."""
    rows = batch.to_pylist() if hasattr(batch, "to_pylist") else list(batch)
    for r in rows:
        for k in TIME_COLUMNS:
            r[k] = text(r[k])
        for ms in r["milestones"] or ():
            ms["fires_at"] = text(ms["fires_at"])
    return rows
