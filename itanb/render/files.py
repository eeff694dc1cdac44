"""Errors shortened to one line; writing whole files or nothing (:func:`itanb.paths.write_atomic`)."""

from __future__ import annotations

import re

from itanb.paths import write_atomic  # noqa: F401 - where the writers of reports import it from


def one_line(text: str, limit: int = 500) -> str:
    """``text`` without terminal colours, its whitespace collapsed, cut at ``limit`` characters."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text or "")).strip()
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
