"""Where data lives. Every loader takes a folder argument whose default comes from here.

In a checkout of the project (a ``pyproject.toml`` above the package) the data folders are the project's;
in an installed copy they are under the current directory. ``ITANB_RAW``, ``ITANB_PROCESSED``,
``ITANB_REPORTS`` and ``ITANB_NOTEBOOKS`` override them.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE / "data"
TEMPLATES = PACKAGE / "templates"
PROJ_ROOT = PACKAGE.parent if (PACKAGE.parent / "pyproject.toml").is_file() else Path.cwd()


def _from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


RAW = _from_env("ITANB_RAW", PROJ_ROOT / "data" / "raw")
PROCESSED = _from_env("ITANB_PROCESSED", PROJ_ROOT / "data" / "processed")
REPORTS = _from_env("ITANB_REPORTS", PROJ_ROOT / "reports")
NOTEBOOKS = _from_env("ITANB_NOTEBOOKS", PACKAGE / "notebooks")  # shipped with the package


def stamp(path: Path) -> tuple[Path, int, int]:
    """(path, modification time in ns, size): the key of a data file read and checked once per process while
    it stays the same (an edit or a new ingest changes the key). OSError when the file cannot be looked at."""
    stat = path.stat()
    return path, stat.st_mtime_ns, stat.st_size
