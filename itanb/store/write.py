"""Writing the processed tables atomically: a temporary folder, then moves, then the manifest."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

from itanb.paths import PROCESSED
from itanb.store.checks import check_tables
from itanb.store.frames import _to_arrow, table
from itanb.store.schema import MANIFEST, SCHEMAS, TABLES, TMP_PREFIX, Tables


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_bytes(path: Path, data: bytes) -> None:
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _remove_stale_temps(processed_dir: Path) -> None:
    """Temporary folders left by a killed writer (its process is gone)."""
    for tmp in processed_dir.glob(TMP_PREFIX + "*"):
        match = re.match(re.escape(TMP_PREFIX) + r"(\d+)-", tmp.name)
        pid = int(match.group(1)) if match else None
        if pid is None or pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(tmp, ignore_errors=True)
        except PermissionError:
            pass


def write_tables(tables: Tables, processed_dir: Path = PROCESSED) -> dict:
    """Check and write the seven tables and ``_manifest.json``; returns the manifest.

    All Parquet files are written to a temporary folder inside ``processed_dir`` first, then moved into place
    with ``os.replace`` (the manifest last). If anything fails, files already moved are put back, so the
    previous tables stay as they were; no temporary file is left behind.
    """
    processed_dir = Path(processed_dir)
    check_tables(tables, where=processed_dir)
    processed_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(processed_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{os.getpid()}-", dir=processed_dir))
    moved: list[tuple[Path, Path | None]] = []  # (target, backup of the previous file or None)
    try:
        files = {}
        for name in TABLES:
            schema = SCHEMAS[name]
            buf = io.BytesIO()
            pq.write_table(_to_arrow(table(tables, name), schema), buf)
            data = buf.getvalue()
            _write_bytes(tmp / schema.file, data)
            files[schema.file] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                                  "rows": len(table(tables, name))}
        written_at = datetime.now(UTC).isoformat(timespec="seconds")
        manifest = {"format": 1, "written_at": written_at, "files": files}
        _write_bytes(tmp / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        _fsync_dir(tmp)
        for file in [*files, MANIFEST]:
            target = processed_dir / file
            backup = None
            if target.exists():
                backup = tmp / f"previous-{file}"
                try:
                    os.link(target, backup)
                except OSError:  # no hard links on this filesystem
                    shutil.copy2(target, backup)
            (tmp / file).replace(target)
            moved.append((target, backup))
        _fsync_dir(processed_dir)
        return manifest
    except BaseException:
        for target, backup in reversed(moved):
            with contextlib.suppress(OSError):
                if backup is not None:
                    backup.replace(target)
                else:
                    target.unlink()
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
