"""The private parts of jupyter_client that itanb/batch/jupyter_internals.py relies on are still there, in the
installed version, as pinned in pyproject.toml. When this fails after an upgrade, read that module before
widening the pin (the forked kernels of itanb batch depend on it)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from itanb.batch import jupyter_internals

ROOT = Path(__file__).resolve().parents[1]


def test_the_private_api_used_is_there():
    assert jupyter_internals.check() == []


def test_the_tested_versions_are_the_pinned_ones():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for dist, tested in jupyter_internals.TESTED.items():
        (pin,) = [d for d in deps if d.split(">")[0].split("=")[0].strip() == dist]
        for version in tested:
            major, minor = (int(x) for x in version.split("."))
            assert pin == f"{dist}>={major}.{minor},<{major}.{minor + 1}", pin


def test_no_other_module_touches_private_jupyter_names():
    names = {name for members in jupyter_internals.PRIVATE.values() for name in members}
    for path in sorted((ROOT / "itanb").rglob("*.py")):
        if path.name == "jupyter_internals.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not [n for n in names if n in text], path
