"""The Thai font the install itself provides: Sarabun (SIL OFL 1.1) from the PyPI package fontpkg-sarabun.

Charts register it with matplotlib by path; HTML reports embed it as a data: URL. Nothing depends on the fonts
of the machine.
"""

from __future__ import annotations

from pathlib import Path

import fontpkg_sarabun

FAMILY = fontpkg_sarabun.FAMILY  # "Sarabun"
FONT_DIR = Path(fontpkg_sarabun.ROOT) / "files"
LICENSE = Path(fontpkg_sarabun.ROOT) / "LICENSE"
LICENSE_NAME = "SIL Open Font License 1.1"


def font_path(style: str = "Regular") -> Path:
    """Path of a Sarabun face: 'Regular', 'Bold', 'Italic', 'BoldItalic', 'Light', 'SemiBold'..."""
    path = FONT_DIR / f"Sarabun-{style}.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"Sarabun face {style!r} not found in {FONT_DIR}")
    return path
