"""Where data lives. Every loader takes a folder argument whose default comes from here."""

from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DATA = Path(__file__).resolve().parent / "data"
TEMPLATES = Path(__file__).resolve().parent / "templates"


def _from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


RAW = _from_env("ITANB_RAW", PROJ_ROOT / "data" / "raw")
PROCESSED = _from_env("ITANB_PROCESSED", PROJ_ROOT / "data" / "processed")
REPORTS = _from_env("ITANB_REPORTS", PROJ_ROOT / "reports")
NOTEBOOKS = PROJ_ROOT / "notebooks"
