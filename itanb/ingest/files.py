"""The raw folder's files, read once each, and its memos parsed (in worker processes for many files)."""


from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from itanb import limits
from itanb.errors import InputError, ItanbError
from itanb.limits import Limit
from itanb.memo.ocr import INSTALL as OCR_MISSING
from itanb.memo.read import KNOWN_SUFFIXES, TEXT_SUFFIXES, has_signature

POOL_THRESHOLD = 200  # parse memos in worker processes above this many files


@dataclass
class MemoFile:
    """A parsed memo with what ingest needs from its file."""

    file: str  # relative to the raw folder
    memo: object  # itanb.memo.ParsedMemo
    sha256: str
    size: int




def raw_files(folder: Path, root: Path) -> list[tuple[Path, str]]:
    """Every file under ``folder`` (relative to ``root``, sorted), hidden and odd ones included: see
    :func:`skip_reason`."""
    if not folder.is_dir():
        return []
    found = [(path, path.relative_to(root).as_posix()) for path in folder.rglob("*") if not path.is_dir()]
    return sorted(found, key=lambda pr: pr[1])


def skip_reason(path: Path, rel: str) -> str | None:
    """Why a file under raw is not read whatever its name says: hidden (a name starting with a dot, or in
    such a folder), an Office lock file (``~$…``), or not a regular file (a pipe, a device, a broken link);
    None for a file to read. Ingest names these among the ignored files."""
    parts = rel.split("/")
    if any(part.startswith(".") for part in parts):
        return "hidden"
    if any(part.startswith("~$") for part in parts):
        return "Office lock file"
    if not path.is_file():
        return "not a regular file"
    return None


def read_bytes(path: Path, rel: str, limit: Limit | None = None) -> bytes:
    """A raw file's bytes, read once: parsed and hashed from the same read; ``limit``: its size's, checked
    before it is read."""
    try:
        if limit is not None:
            limit.check(path.stat().st_size, source=rel)
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=rel) from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()



def is_memo(path: Path) -> bool:
    """A memo by its suffix; a .pdf/.docx/.doc only when its first bytes are of that format."""
    suffix = path.suffix.lower()
    if suffix not in KNOWN_SUFFIXES:
        return False
    if suffix in (".md", ".txt"):
        return True
    try:
        with path.open("rb") as f:
            return has_signature(suffix, f.read(1024))
    except OSError:
        return True  # reading it again reports the problem

def _parse_memo(item: tuple[str, str]) -> tuple[str, object, str | None, str, int]:
    """Worker: (path, rel) -> (rel, ParsedMemo | None, error | None, sha256, bytes)."""
    from itanb.memo import parse_memo_bytes

    path, rel = Path(item[0]), item[1]
    try:
        text = path.suffix.lower() in TEXT_SUFFIXES
        data = read_bytes(path, rel, limits.TEXT_MEMO if text else limits.MEMO_FILE)
        memo = parse_memo_bytes(data, rel)
    except ItanbError as exc:
        return rel, None, str(exc) if exc.source else f"{rel}: {exc}", "", 0
    return rel, memo, None, sha256_hex(data), len(data)


class MemoParser:
    """Parses memos, in worker processes above POOL_THRESHOLD files. The work starts at construction, so the
    caller can read the score tables meanwhile; :meth:`results` waits for it. Use as a context manager."""

    def __init__(self, items: list[tuple[Path, str]], workers: int | None):
        jobs = [(str(p), rel) for p, rel in items]
        workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
        self._pool = None
        self.unread: list[str] = []  # scans not read because tesseract is missing: their one line each
        if len(jobs) > POOL_THRESHOLD and workers > 1:
            self._pool = ProcessPoolExecutor(max_workers=workers)
            chunk = max(1, min(64, len(jobs) // (workers * 4)))
            self._pending = self._pool.map(_parse_memo, jobs, chunksize=chunk)
        else:
            self._pending = map(_parse_memo, jobs)

    def __enter__(self) -> MemoParser:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def results(self) -> list[MemoFile]:
        memos = []
        for rel, memo, error, sha, size in self._pending:  # file order: the first bad file is reported
            if error is not None and error.endswith(OCR_MISSING):
                self.unread.append(error)  # the other memos are ingested; the command exits 2 naming it
                continue
            if error is not None:
                raise InputError(error)
            memos.append(MemoFile(rel, memo, sha, size))
        return memos
