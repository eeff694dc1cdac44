"""The project's Jupyter kernel, ready for Thai charts: ``python -m itanb.kernel`` installs it.

The kernel spec ``python3`` ("Python 3 (itanb)") is ipykernel's, written by ipykernel's own
``write_kernel_spec`` and installed into the environment (``sys.prefix``) by jupyter_client's
``KernelSpecManager``, with two additions:

- ``--ext=itanb.kernel``: IPython loads this module as an extension when the kernel starts
  (:func:`load_ipython_extension`): the bundled Sarabun is registered with matplotlib and put first in
  ``font.family`` (matplotlib's DejaVu Sans after it for a glyph Sarabun lacks), so any chart an analyst
  makes with pandas or matplotlib draws Thai, with no setup line in the notebook and no missing-glyph
  warning;
- ``MPLBACKEND`` set to matplotlib-inline's backend in the spec's environment: charts show in the notebook
  even when JupyterLab was started with ``MPLBACKEND=Agg`` in its environment (as a Makefile may set).

Report runs do not depend on either: the report notebooks' charts set their own font (:mod:`itanb.charts`)
and are returned as figures, whatever the backend.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

NAME = "python3"
DISPLAY_NAME = "Python 3 (itanb)"
EXTENSION = "itanb.kernel"  # this module, by the name IPython imports
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def load_ipython_extension(ipython) -> None:
    """IPython's hook (``%load_ext itanb.kernel``, or ``--ext`` on the kernel's command line): the bundled
    Thai font first in matplotlib's ``font.family`` for every chart of the session."""
    import matplotlib as mpl

    from itanb.charts import FALLBACK, register_fonts

    mpl.rcParams["font.family"] = [register_fonts(), FALLBACK]


def install(prefix: str | Path = sys.prefix, name: str = NAME) -> Path:
    """Install the kernel spec ``name`` into ``prefix``'s ``share/jupyter/kernels`` (replacing one there) for
    this interpreter; returns its folder."""
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager

    with tempfile.TemporaryDirectory() as tmp:
        spec = write_kernel_spec(Path(tmp) / name, extra_arguments=[f"--ext={EXTENSION}"],
                                 overrides={"display_name": DISPLAY_NAME,
                                            "env": {"MPLBACKEND": INLINE_BACKEND}})
        return Path(KernelSpecManager().install_kernel_spec(str(spec), name, prefix=str(prefix)))


if __name__ == "__main__":
    print(f"kernel {NAME!r} installed in {install()}")
