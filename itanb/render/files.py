"""Writing build products: whole files or nothing, and errors shortened to one line."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, fsync: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary ``.<name>.*.tmp`` file in the same folder and a rename,
    so a reader (or a kill) never sees half a file; ``fsync``: on disk before the rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        Path(tmp).chmod(0o644)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def one_line(text: str, limit: int = 500) -> str:
    """``text`` without terminal colours, its whitespace collapsed, cut at ``limit`` characters."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text or "")).strip()
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
