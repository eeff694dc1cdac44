"""What a batch has built: ``reports/.itanb-manifest.json``, its journal, and the lock on the reports folder.

The manifest maps each report (path relative to the reports folder) to the hash of what it depends on
(:func:`itanb.batch.plan.dependency_hashes`). Every finished report is appended to
``reports/.itanb-manifest.jsonl`` as it completes, so a batch that was killed half-way and run again skips
what is done; at the end the journal is folded into the manifest, which is written atomically.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from itanb import __version__
from itanb.errors import ItanbError
from itanb.render.files import write_atomic

MANIFEST = ".itanb-manifest.json"
JOURNAL = ".itanb-manifest.jsonl"
LOCK = ".itanb-batch.lock"
MANIFEST_FORMAT = 1



class Manifest:
    """The reports built so far: ``{key: {"hash", "pdf", "built_at"}}``, a JSON file plus an append-only
    journal."""

    def __init__(self, reports_dir: Path):
        self.reports_dir = reports_dir
        self.path = reports_dir / MANIFEST
        self.journal_path = reports_dir / JOURNAL
        self.entries: dict[str, dict] = {}
        self._journal = None

    def load(self) -> Manifest:
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") == MANIFEST_FORMAT:
                self.entries = dict(data.get("reports", {}))
        with contextlib.suppress(OSError), self.journal_path.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    rec = json.loads(line)
                except ValueError:  # the last line of a killed run may be cut short
                    continue
                if rec.get("failed"):
                    self.entries.pop(rec["key"], None)
                else:
                    self.entries[rec["key"]] = {k: v for k, v in rec.items() if k != "key"}
        return self

    def is_current(self, key: str, digest: str, pdf: bool = False, xlsx: bool = False,
                   docx: bool = False) -> bool:
        """Built from the same inputs, still there, with its PDF, Excel and Word file if they are wanted."""
        entry = self.entries.get(key)
        if not entry or entry.get("hash") != digest or not (self.reports_dir / key).is_file():
            return False
        report = self.reports_dir / key
        return all(not wanted or (entry.get(ext, False) and report.with_suffix(f".{ext}").is_file())
                   for ext, wanted in (("pdf", pdf), ("xlsx", xlsx), ("docx", docx)))

    def record(self, key: str, digest: str | None, pdf: bool = False, xlsx: bool = False,
               docx: bool = False) -> None:
        """Note one finished report (``digest`` None: it failed) in the journal, flushed at once."""
        if digest is None:
            self.entries.pop(key, None)
            rec = {"key": key, "failed": True}
        else:
            entry = {"hash": digest, "pdf": pdf, "xlsx": xlsx, "docx": docx,
                     "built_at": datetime.now(UTC).isoformat(timespec="seconds")}
            self.entries[key] = entry
            rec = {"key": key, **entry}
        if self._journal is None:
            self.reports_dir.mkdir(parents=True, exist_ok=True)
            self._journal = self.journal_path.open("a", encoding="utf-8")
        self._journal.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self._journal.flush()

    def save(self) -> None:
        """Write the manifest atomically (temporary file, fsync, rename), then drop the journal."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        data = {"format": MANIFEST_FORMAT, "itanb": __version__,
                "reports": dict(sorted(self.entries.items()))}
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=0).encode("utf-8"), fsync=True)
        self.journal_path.unlink(missing_ok=True)


@contextlib.contextmanager
def lock(reports_dir: Path) -> Iterator[None]:
    """Hold the reports folder for one batch; ItanbError if another batch holds it."""
    import fcntl

    reports_dir.mkdir(parents=True, exist_ok=True)
    with (reports_dir / LOCK).open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ItanbError("another itanb batch is writing into this folder", source=reports_dir) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def remove_stale_temporaries(reports_dir: Path) -> None:
    """Temporary files of a killed run (render writes ``.<name>.*.tmp`` / ``.ipynb``, then renames)."""
    for pattern in (".*.tmp", ".*.ipynb"):
        for path in reports_dir.rglob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()
