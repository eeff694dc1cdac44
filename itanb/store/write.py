"""Writing the processed tables whole or not at all: a new version folder beside the old, one atomic rename.

Layout of the processed folder (readers open ``<processed>/<name>.parquet`` as ever)::

    .tables -> .itanb-tables-<pid>-<random>     the current version (a symbolic link, switched by rename)
    .itanb-tables-<pid>-<random>/               a version: the seven tables and _manifest.json
    assessments.parquet -> .tables/assessments.parquet   (one fixed link per file, made once)
    _manifest.json -> .tables/_manifest.json

:func:`write_tables` writes the new version into its own folder (each file synced), then points ``.tables``
at it with one ``rename`` of a new link over the old: a kill at any moment leaves the previous tables or the
new ones, complete. A folder of the older layout (real files) is first turned into a version of the same
bytes (hard links) with the fixed links over the files, one rename each, every step showing the same
tables. The version replaced is kept until the next write (a reader may be in it); folders of writers
killed half-way are removed by the next write.
"""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import io
import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

from itanb.errors import ItanbError
from itanb.paths import PROCESSED
from itanb.store.checks import check_tables
from itanb.store.frames import _to_arrow, table
from itanb.store.schema import CURRENT, MANIFEST, SCHEMAS, TABLES, TMP_PREFIX, VERSION_PREFIX, Tables

KILL_AT = "ITANB_TEST_KILL_AT_STEP"  # tests: SIGKILL at this step of a write (see _stepper)
_OWNER = re.compile(r"(?:" + re.escape(TMP_PREFIX) + "|" + re.escape(VERSION_PREFIX) + r")(\d+)-")


def _stepper() -> Callable[[], None]:
    """Called before each write, link and rename of a write; with ``$ITANB_TEST_KILL_AT_STEP`` = N the process
    kills itself (SIGKILL, nothing cleaned up) at the N-th, so a test can stop it at every step."""
    at = int(os.environ.get(KILL_AT) or 0)
    count = [0]

    def step() -> None:
        count[0] += 1
        if count[0] == at:
            os.kill(os.getpid(), signal.SIGKILL)

    return step


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _new_version(processed_dir: Path) -> Path:
    """An empty version folder, readable by whoever may read the processed folder."""
    version = Path(tempfile.mkdtemp(prefix=f"{VERSION_PREFIX}{os.getpid()}-", dir=processed_dir))
    version.chmod(0o755)
    return version


def _write_bytes(path: Path, data: bytes) -> None:
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _relink(link: Path, target: str, step: Callable[[], None]) -> None:
    """``link`` made (or replaced) by a symbolic link to ``target`` in one rename."""
    tmp = link.with_name(f".{link.name}.{os.getpid()}.link")
    tmp.unlink(missing_ok=True)
    step()
    tmp.symlink_to(target)
    step()
    tmp.replace(link)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(processed_dir: Path, keep: set[str]) -> None:
    """Version and temporary folders other than ``keep`` whose writer has ended (or is this process)."""
    for path in processed_dir.iterdir():
        owner = _OWNER.match(path.name)
        if owner is None or path.name in keep or not path.is_dir() or path.is_symlink():
            continue
        pid = int(owner.group(1))
        if pid == os.getpid() or not _alive(pid):
            shutil.rmtree(path, ignore_errors=True)
    for link in processed_dir.glob(".*.link"):
        owner = re.search(r"\.(\d+)\.link$", link.name)
        pid = int(owner.group(1)) if owner else None
        if link.is_symlink() and pid is not None and (pid == os.getpid() or not _alive(pid)):
            with contextlib.suppress(OSError):
                link.unlink()


def current_version(processed_dir: Path) -> str | None:
    """The name of the version folder ``.tables`` points at (None for a folder of the older layout)."""
    try:
        return str((Path(processed_dir) / CURRENT).readlink())
    except OSError:
        return None


def _adopt_old_layout(processed_dir: Path, previous: str | None, step: Callable[[], None]) -> str | None:
    """The real table files of the older layout (or of an adoption a kill stopped) made a version of the
    same bytes (hard-linked), then each replaced by its fixed link into it; returns the current version."""
    names = [n for n in (*(SCHEMAS[t].file for t in TABLES), MANIFEST)
             if (processed_dir / n).is_file() and not (processed_dir / n).is_symlink()]
    if not names:
        return previous
    current = processed_dir / CURRENT
    if previous is None:
        if current.is_dir() and not current.is_symlink():  # a copy of a folder made with its links followed
            shutil.rmtree(current)
        version = _new_version(processed_dir)
        for name in names:
            step()
            try:
                os.link(processed_dir / name, version / name)
            except OSError:  # no hard links on this filesystem
                shutil.copy2(processed_dir / name, version / name)
        _fsync_dir(version)
        _relink(current, version.name, step)
        previous = version.name
    for name in names:
        same = (current / name).is_file() and filecmp.cmp(processed_dir / name, current / name, shallow=False)
        if not same:
            raise ItanbError("a file where itanb keeps a link to its tables (copied in by hand?): move it "
                             "away and ingest again", source=processed_dir / name)
        _relink(processed_dir / name, f"{CURRENT}/{name}", step)
    return previous


def _write_version(tables: Tables, version: Path, step: Callable[[], None]) -> dict:
    """The seven tables and the manifest written (and synced) into the new version folder ``version``."""
    files = {}
    for name in TABLES:
        schema = SCHEMAS[name]
        buf = io.BytesIO()
        pq.write_table(_to_arrow(table(tables, name), schema), buf)
        data = buf.getvalue()
        step()
        _write_bytes(version / schema.file, data)
        files[schema.file] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                              "rows": len(table(tables, name))}
    manifest = {"format": 1, "written_at": datetime.now(UTC).isoformat(timespec="seconds"), "files": files}
    step()
    _write_bytes(version / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
    _fsync_dir(version)
    return manifest


def write_tables(tables: Tables, processed_dir: Path = PROCESSED) -> dict:
    """Check and write the seven tables and ``_manifest.json`` as a new version; returns the manifest.

    Whole or nothing (see the module's docstring): a failure or a kill at any step leaves the previous
    tables readable as they were, or the new ones complete."""
    processed_dir = Path(processed_dir)
    check_tables(tables, where=processed_dir)
    step = _stepper()
    processed_dir.mkdir(parents=True, exist_ok=True)
    previous = current_version(processed_dir)
    _remove_stale(processed_dir, {previous} if previous else set())
    previous = _adopt_old_layout(processed_dir, previous, step)
    version = None
    try:
        for name in (*(SCHEMAS[t].file for t in TABLES), MANIFEST):  # the fixed links (made once)
            if not (processed_dir / name).is_symlink():
                _relink(processed_dir / name, f"{CURRENT}/{name}", step)
        version = _new_version(processed_dir)
        manifest = _write_version(tables, version, step)
        _relink(processed_dir / CURRENT, version.name, step)  # the switch: one rename
    except BaseException:
        if version is not None and current_version(processed_dir) != version.name:
            shutil.rmtree(version, ignore_errors=True)
            if previous is None:  # a first write: nothing of it stays
                for name in (*(SCHEMAS[t].file for t in TABLES), MANIFEST, CURRENT):
                    with contextlib.suppress(OSError):
                        (processed_dir / name).unlink()
        raise
    _fsync_dir(processed_dir)
    _remove_stale(processed_dir, {version.name, previous} if previous else {version.name})
    return manifest
