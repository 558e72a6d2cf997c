"""The `python` blocks of docs/python.md (and docs/spark.md) run, from the repository root."""

import os
import re

import pytest

from conftest import ROOT

BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def blocks(page: str):
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    found = BLOCK.findall(text)
    assert found, f"docs/{page} has no python block"
    return [pytest.param(code, id=f"{page}-{i + 1}") for i, code in enumerate(found)]


@pytest.mark.parametrize("code", blocks("python.md"))
def test_python_md(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(code, "docs/python.md", "exec"), {"__name__": "docs"})
