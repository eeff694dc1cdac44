"""Where data lives. Every loader takes a folder argument whose default comes from here.

In a checkout of the project (a ``pyproject.toml`` above the package) the data folders are the project's;
in an installed copy they are under the current directory. ``ITANB_RAW``, ``ITANB_PROCESSED``,
``ITANB_REPORTS`` and ``ITANB_NOTEBOOKS`` override them. The report notebooks are ``notebooks/reports`` in a
checkout and the package's ``notebooks`` folder in an installed copy. ``CACHE`` (``ITANB_CACHE``) holds what
is worth keeping between runs and can be made again from the install alone (the cut fonts), and the executed
notebooks of failed report runs: deleting it loses nothing.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE / "data"
TEMPLATES = PACKAGE / "templates"
CHECKOUT = (PACKAGE.parent / "pyproject.toml").is_file()  # a checkout of the project, not an installed copy
PROJ_ROOT = PACKAGE.parent if CHECKOUT else Path.cwd()


def _from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


RAW = _from_env("ITANB_RAW", PROJ_ROOT / "data" / "raw")
PROCESSED = _from_env("ITANB_PROCESSED", PROJ_ROOT / "data" / "processed")
REPORTS = _from_env("ITANB_REPORTS", PROJ_ROOT / "reports")
# the report notebooks: notebooks/reports in a checkout (notebooks/ is where analysts keep theirs), shipped
# with the package as itanb/notebooks (pyproject.toml maps the one to the other)
NOTEBOOKS = _from_env("ITANB_NOTEBOOKS", PROJ_ROOT / "notebooks" / "reports" if CHECKOUT
                      else PACKAGE / "notebooks")
CACHE = _from_env("ITANB_CACHE", PROJ_ROOT / ".cache" / "itanb")


def stamp(path: Path) -> tuple[Path, int, int]:
    """(path, modification time in ns, size): the key of a data file read and checked once per process while
    it stays the same (an edit or a new ingest changes the key). OSError when the file cannot be looked at."""
    stat = path.stat()
    return path, stat.st_mtime_ns, stat.st_size


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
