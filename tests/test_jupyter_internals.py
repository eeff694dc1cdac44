"""The private parts of jupyter_client that itanb/batch/jupyter_internals.py relies on are still there, in the
installed version, as pinned in pyproject.toml. When this fails after an upgrade, read that module before
widening the pin (the forked kernels of itanb batch depend on it)."""

from __future__ import annotations

from pathlib import Path

from conftest import assert_pinned_to_tested

from itanb.batch import jupyter_internals

ROOT = Path(__file__).resolve().parents[1]


def test_the_private_api_used_is_there():
    assert jupyter_internals.check() == []


def test_the_tested_versions_are_the_pinned_ones():
    assert_pinned_to_tested(jupyter_internals.TESTED)


def test_no_other_module_touches_private_jupyter_names():
    names = {name for members in jupyter_internals.PRIVATE.values() for name in members}
    for path in sorted((ROOT / "itanb").rglob("*.py")):
        if path.name == "jupyter_internals.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not [n for n in names if n in text], path


def test_the_zygote_finds_the_kernel_command_jupyter_client_would_run(tmp_path, monkeypatch):
    """kernels.kernel_argv reads kernel.json without importing jupyter_client (the zygote starts sooner): it
    must find what jupyter_client's own lookup finds, in the same order of folders."""
    import json

    from jupyter_client.kernelspec import KernelSpecManager

    from itanb.batch.kernels import kernel_argv

    assert kernel_argv("python3") == KernelSpecManager().get_kernel_spec("python3").argv
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, argv in ((first, ["python-a", "-m", "ipykernel_launcher"]), (second, ["python-b"])):
        (folder / "kernels" / "itanb-probe").mkdir(parents=True)
        spec = {"argv": argv, "display_name": "probe", "language": "python"}
        (folder / "kernels" / "itanb-probe" / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", f"{first}:{second}")
    assert kernel_argv("itanb-probe") == KernelSpecManager().get_kernel_spec("itanb-probe").argv
    assert kernel_argv("itanb-probe")[0] == "python-a"
    assert kernel_argv("no-such-kernel-spec") is None
