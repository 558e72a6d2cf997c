"""Shared fixtures: the repository's policies and the `slate` command."""

import os
import shutil
from pathlib import Path

import pytest

import slate

ROOT = Path(__file__).resolve().parents[3]

# A small policy whose answers are computed by hand in the tests.
DESK = """
policy "Desk" { calendar desk }
calendar desk { zone "America/Chicago"  mon-fri 08:00-16:00 }
severity high "High"
severity low "Low"
tiers basic < gold
targets first_response {
        basic gold
  high  8h    4h
  low   16h   8h
}
"""


@pytest.fixture(scope="session")
def desk() -> slate.Policy:
    return slate.compile(DESK, name="desk.sla")


@pytest.fixture(scope="session")
def dooap() -> slate.Policy:
    return slate.compile(ROOT / "policies" / "dooap.sla")


@pytest.fixture(scope="session")
def slate_bin() -> str:
    """The `slate` command: $SLATE_BIN, else the repository's debug or
    release build, else `slate` on PATH. Tests that compare with the CLI
    fail (not skip) without it: CI builds it before pytest."""
    candidates = [os.environ.get("SLATE_BIN")]
    candidates += [str(ROOT / "target" / p / "slate") for p in ("debug", "release")]
    candidates.append(shutil.which("slate"))
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return c
    pytest.fail("no `slate` binary: run `cargo build` at the repository root or set SLATE_BIN")
