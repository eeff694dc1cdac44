"""Many reports: plan them from the processed tables, rebuild only what changed, run them on local worker
processes or a Dask cluster, and write ``reports/index.html``.

The plan (:func:`plan_jobs`): a fiscal-year report per (agency, fiscal year) with a score or measures, a
year-over-year report per agency with data in the selected years, and a portfolio report (all agencies) per
fiscal year with scores; with an ``--agency`` filter, no portfolio.

Incremental builds: ``reports/.itanb-manifest.json`` maps each report (path relative to the reports folder)
to a hash of what it depends on:

- the agency's rows of the processed tables (agencies, assessments, measures, findings), and for a portfolio
  the rows of its fiscal year (assessments up to that year) and every agency's name and place;
- the raw files behind those rows from the ``sources`` table (path, sha256, bytes): for a file read by one
  agency (its memo) the checksum, for a file shared by many (a year's score table) the path only, since the
  agency's rows are already in the hash and a change to another agency's row must not rebuild this report;
- the notebook file, the package's code and data files and the report template, ``itanb.__version__``, the
  parameters (a change to the code rebuilds every report, as a version bump would).

Hashes are computed for all reports at once from per-row hashes of the tables (vectorised, ~1 s for 8,300
agencies): no raw file is read. The ingest time is not part of the hash (a re-ingest of unchanged files
rebuilds nothing). Every finished report is appended to ``reports/.itanb-manifest.jsonl`` as it completes, so
a batch that was killed half-way and run again skips what is done; at the end the journal is folded into the
manifest, which is written atomically. A report is written by :func:`itanb.render.render_report` to a
temporary file and renamed, so a kill never leaves a truncated report.

Workers execute notebooks in-process (``render.render_report``: papermill and nbconvert in the worker, no
``jupyter`` subprocess). Each worker starts the kernel for its next report while the current one runs and
converts, and imports the notebooks' modules into that kernel ahead of time (``ITANB_PRESTART=0``: off).
Those kernels are forked from a zygote process per worker that has imported ipykernel and the notebooks'
modules once and warmed up matplotlib and pandas, so a kernel costs a fork instead of ~1 s of imports; each
report still gets a kernel of its own that ran nothing before it (``ITANB_FORK_KERNELS=0``: new processes).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from itanb import __version__, paths
from itanb.errors import ItanbError, ParameterError

MANIFEST = ".itanb-manifest.json"
JOURNAL = ".itanb-manifest.jsonl"
LOCK = ".itanb-batch.lock"
MANIFEST_FORMAT = 1
PER_ORDER = ("year", "agency-year", "agency")  # the longest reports first
# imported inside itanb functions on first use: imported into a pre-started kernel with the notebooks' modules
LAZY_IMPORTS = ("pandas", "pyarrow.parquet", "matplotlib.pyplot", "IPython.display", "pythainlp.util",
                "itanb.store", "itanb.compare", "itanb.grading", "itanb.thai", "itanb.agencies")


# ------------------------------------------------------------------------------------------------ plan


@dataclass(frozen=True, order=True)
class Job:
    """One report to make: ``kind`` and its parameters (agency_id None for a portfolio, fiscal_year None for
    a year-over-year report)."""

    kind: str
    agency_id: str | None
    fiscal_year: int | None

    def params(self) -> dict:
        from itanb.render import kind_of

        return kind_of(self.kind).job_params(self.agency_id, self.fiscal_year)

    def key(self) -> str:
        """The report's path relative to the reports folder, '/' separated: the manifest key."""
        from itanb.render import report_path

        return report_path(Path(), self.kind, self.agency_id, self.fiscal_year).as_posix()


def _in_years(year: int, years: tuple[int, int] | None) -> bool:
    return years is None or years[0] <= year <= years[1]


def plan_jobs(tables, years: tuple[int, int] | None = None,
              agencies: Iterable[str] | None = None) -> list[Job]:
    """The reports for ``tables`` (an ``itanb.store.Tables``), narrowed to fiscal ``years`` (first, last; BE)
    and ``agencies`` (agency_ids). Portfolios first, then fiscal-year, then year-over-year reports, sorted.

    Raises ParameterError for an agency_id that is not in the agencies table.
    """
    from itanb.render import report_kinds

    known = set(tables.agencies["agency_id"].astype(str))
    wanted: set[str] | None = None
    if agencies:
        wanted = {str(a) for a in agencies}
        unknown = sorted(wanted - known)
        if unknown:
            raise ParameterError(f"unknown agency {', '.join(map(repr, unknown))}: not among the "
                                 f"{len(known)} agencies of the processed tables")
    pairs: set[tuple[str, int]] = set()
    for frame in (tables.assessments, tables.measures):
        sub = frame[["agency_id", "fiscal_year"]].drop_duplicates()
        pairs |= {(str(a), int(y)) for a, y in zip(sub["agency_id"], sub["fiscal_year"], strict=True)}
    pairs = {(a, y) for a, y in pairs if _in_years(y, years) and (wanted is None or a in wanted)}
    scored = sorted(int(y) for y in tables.assessments["fiscal_year"].unique() if _in_years(int(y), years))
    jobs = []
    for kind in report_kinds().values():
        if kind.per == "agency-year":
            jobs += [Job(kind.name, a, y) for a, y in sorted(pairs)]
        elif kind.per == "agency":
            jobs += [Job(kind.name, a, None) for a in sorted({a for a, _ in pairs})]
        elif wanted is None:
            jobs += [Job(kind.name, None, y) for y in scored]
    per = {name: kind.per for name, kind in report_kinds().items()}
    return sorted(jobs, key=lambda j: (PER_ORDER.index(per[j.kind]), j.fiscal_year or 0, j.agency_id or "",
                                       j.kind))


# ------------------------------------------------------------------------------------------------ hashes


def _cell(value) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return "\x1f".join(_cell(v) for v in (value.tolist() if hasattr(value, "tolist") else value))
    return str(value)


def _row_hashes(frame, drop: tuple[str, ...] = ()):
    """uint64 per row of ``frame`` (columns sorted by name, ``drop`` left out), independent of the index."""
    import numpy as np
    import pandas as pd

    columns = sorted(c for c in frame.columns if c not in drop)
    if frame.empty:
        return np.zeros(0, dtype="uint64")
    data = {}
    for col in columns:
        s = frame[col]
        data[col] = s.map(_cell) if s.dtype == object else s
    hashed = pd.util.hash_pandas_object(pd.DataFrame(data), index=False).to_numpy()
    salt = hashlib.blake2b("\x1f".join(columns).encode(), digest_size=8).digest()
    names = np.frombuffer(salt, dtype="uint64")
    return hashed ^ names[0]


def _digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _group_digests(frame, hashes, key: str) -> dict[str, bytes]:
    if frame.empty:
        return {}
    out = {}
    for value, idx in frame.groupby(key, sort=False, dropna=True).indices.items():
        out[str(value)] = hashes[idx].tobytes()
    return out


def _file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def code_digests() -> dict[str, str]:
    """Hashes of what every report depends on besides the data: package code and data, template, version; and
    one per notebook (by kind)."""
    from itanb.render import report_kinds

    package = paths.PACKAGE_DATA.parent
    shared = [f"itanb {__version__}"]
    shared += [f"{path.relative_to(package).as_posix()}={_file_digest(path)}"
               for path in sorted(package.rglob("*.py"))]
    for folder in (paths.PACKAGE_DATA, paths.TEMPLATES):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            shared.append(f"{path.relative_to(folder).as_posix()}={_file_digest(path)}")
    common = _digest(*shared)
    return {kind: _digest(common, _file_digest(spec.notebook)) for kind, spec in report_kinds().items()}


def dependency_hashes(tables, jobs: list[Job]) -> dict[str, str]:
    """Manifest key -> hash of everything the report depends on (see the module docstring)."""
    import numpy as np

    code = code_digests()
    agencies, assessments, measures, findings, sources = (
        tables.agencies, tables.assessments, tables.measures, tables.findings, tables.sources)
    h_ag, h_as, h_me, h_fi = (_row_hashes(agencies), _row_hashes(assessments), _row_hashes(measures),
                              _row_hashes(findings))
    by_agency = [_group_digests(f, h, "agency_id")
                 for f, h in ((agencies, h_ag), (assessments, h_as), (measures, h_me), (findings, h_fi))]

    # raw files: checksum for a file behind one agency's rows, path only for a file shared by many
    strip = re.compile(r":\d+$")
    users: dict[str, set[str]] = {}
    for frame in (assessments, measures):
        if frame.empty:
            continue
        pairs = frame[["agency_id", "source"]].drop_duplicates()
        for agency_id, source in zip(pairs["agency_id"], pairs["source"], strict=True):
            users.setdefault(strip.sub("", str(source)), set()).add(str(agency_id))
    checksum = {str(p): f"{p}:{s}:{b}" for p, s, b in
                zip(sources["path"], sources["sha256"], sources["bytes"], strict=True)}
    raw_of: dict[str, list[str]] = {}
    for path, ids in users.items():
        text = checksum.get(path, path) if len(ids) == 1 else path
        for agency_id in ids:
            raw_of.setdefault(agency_id, []).append(text)
    all_sources = _row_hashes(sources, drop=("ingested_at",)).tobytes()

    years_needed = {j.fiscal_year for j in jobs if j.agency_id is None}
    per_year: dict[int, str] = {}
    if years_needed:
        fy_as = assessments["fiscal_year"].to_numpy()
        fy_me = measures["fiscal_year"].to_numpy()
        fy_fi = findings["fiscal_year"].astype("float64").to_numpy()
        for year in years_needed:
            per_year[year] = _digest(
                h_ag.tobytes(), h_as[fy_as <= year].tobytes(), h_me[fy_me == year].tobytes(),
                h_fi[(fy_fi == year) | np.isnan(fy_fi)].tobytes(), all_sources)

    out = {}
    for job in jobs:
        if job.agency_id is None:  # a report per year
            data = per_year[job.fiscal_year]
        else:
            a = job.agency_id
            data = _digest(*(d.get(a, b"") for d in by_agency), *sorted(raw_of.get(a, [])))
        params = json.dumps(job.params(), sort_keys=True)
        out[job.key()] = _digest(code[job.kind], data, params)
    return out


# ------------------------------------------------------------------------------------------------ manifest


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

    def is_current(self, key: str, digest: str, pdf: bool = False) -> bool:
        """Built from the same inputs, still there, and with its PDF if one is wanted."""
        entry = self.entries.get(key)
        if not entry or entry.get("hash") != digest or not (self.reports_dir / key).is_file():
            return False
        return not pdf or (entry.get("pdf", False) and (self.reports_dir / key).with_suffix(".pdf").is_file())

    def record(self, key: str, digest: str | None, pdf: bool = False) -> None:
        """Note one finished report (``digest`` None: it failed) in the journal, flushed at once."""
        if digest is None:
            self.entries.pop(key, None)
            rec = {"key": key, "failed": True}
        else:
            entry = {"hash": digest, "pdf": pdf, "built_at": datetime.now(UTC).isoformat(timespec="seconds")}
            self.entries[key] = entry
            rec = {"key": key, **entry}
        if self._journal is None:
            self.reports_dir.mkdir(parents=True, exist_ok=True)
            self._journal = self.journal_path.open("a", encoding="utf-8")
        self._journal.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self._journal.flush()

    def save(self) -> None:
        """Write the manifest atomically (temporary file, fsync, rename), then drop the journal."""
        from itanb.render import write_atomic

        if self._journal is not None:
            self._journal.close()
            self._journal = None
        data = {"format": MANIFEST_FORMAT, "itanb": __version__,
                "reports": dict(sorted(self.entries.items()))}
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=0).encode("utf-8"), fsync=True)
        self.journal_path.unlink(missing_ok=True)


@contextlib.contextmanager
def _lock(reports_dir: Path) -> Iterator[None]:
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


def _remove_stale_temporaries(reports_dir: Path) -> None:
    """Temporary files of a killed run (render writes ``.<name>.*.tmp`` / ``.ipynb``, then renames)."""
    for pattern in (".*.tmp", ".*.ipynb"):
        for path in reports_dir.rglob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()


# ------------------------------------------------------------------------------------------------ workers

_POOL = None  # the kernel pool of this worker process
_READY = False  # _worker_setup has run in this process
_MORE = True  # whether another report may follow the current one on this worker (else no kernel is started)


def _warm_modules() -> list[str]:
    """The modules the notebooks import (their import lines), imported into a kernel ahead of time."""
    import nbformat

    found: list[str] = []
    pattern = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import\s+([\w, ]+)|import\s+([\w.]+))", re.M)
    from itanb.render import report_kinds

    for kind in report_kinds().values():
        nb = nbformat.read(kind.notebook, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
                continue
            for match in pattern.finditer(cell.source):
                if match.group(3):
                    names = [match.group(3)]
                else:
                    package = match.group(1)
                    names = [package, *(f"{package}.{n.strip()}" for n in match.group(2).split(",")
                                         if n.strip())]
                found += [n for n in names if n not in found]
    found += [m for m in LAZY_IMPORTS if m not in found]
    return found


def _import_all(modules: Iterable[str]) -> None:
    """Import ``modules``, skipping any that fails (the notebook that needs it will say why)."""
    import importlib

    for name in modules:
        with contextlib.suppress(Exception):
            importlib.import_module(name)


class _ForkedProcess:
    """A kernel forked by a :class:`_KernelZygote`, with what jupyter_client's LocalProvisioner uses of a
    ``subprocess.Popen``. Not our child (the zygote's, which reaps it): its end is seen by ``kill(pid, 0)``.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        import signal

        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        import signal

        self.send_signal(signal.SIGTERM)


def _zygote_main() -> None:
    """The zygote process (see :class:`_KernelZygote`): import ipykernel and the notebooks' modules, warm
    them up, then fork one kernel per request line on stdin and answer its pid on stdout."""
    import signal

    if sys.path and sys.path[0] in ("", str(Path.cwd())):  # as ipykernel_launcher; the kernel adds it back
        del sys.path[0]
    modules = json.loads(sys.argv[1])
    # ipykernel's own default, set by the kernel before any notebook imports matplotlib
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    from ipykernel import kernelapp  # noqa: F401 - imported once here, inherited by every kernel

    _import_all(modules)
    with contextlib.suppress(Exception):
        _zygote_warm_up()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked kernels are reaped by the system
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    answers.write(b"ready\n")
    answers.flush()
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                _zygote_child(request)
            finally:
                os._exit(1)
        answers.write(f"{pid}\n".encode())
        answers.flush()


def _zygote_warm_up() -> None:
    """First-use work of the libraries (not of any report): a Thai chart drawn to PNG, a pandas frame to
    HTML. Paid once per worker instead of once per kernel."""
    import io

    import pandas as pd

    from itanb import charts

    charts.register_fonts()
    fig, (ax,) = charts._new_figure((4.0, 3.0))
    with charts._thai_rc():
        ax.plot([2564.0, 2565.0], [80.0, 90.0], "o-")
        ax.bar([2564.0], [3.0])
        ax.set_title("คะแนน ITA ผ่านดีเยี่ยม")
        ax.annotate("ดีเยี่ยม\n90.00", (2565.0, 90.0), textcoords="offset points", xytext=(0, 8))
        ax.legend(handles=[charts.mpl.lines.Line2D([], [], label="คะแนน")], loc="lower left")
        fig.savefig(io.BytesIO(), format="png", dpi=150, bbox_inches="tight")
    frame = pd.DataFrame({"a": ["x", "y"], "b": [1.0, None], "t": pd.to_datetime(["2022-01-01", None])})
    frame.merge(frame, on="a").groupby("a").agg({"b": "sum"}).sort_values("b")
    frame.to_dict("records")


def _zygote_child(request: dict) -> None:
    """In a freshly forked kernel: own process group, no inherited pipes, the launcher's env and cwd, a new
    random seed; then ipykernel's launcher, as ``python -m ipykernel_launcher ARGS`` would run."""
    import signal

    os.setpgid(0, 0)
    for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    os.environ.clear()
    os.environ.update(request["env"])
    if request.get("cwd"):
        os.chdir(request["cwd"])
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    sys.argv = [request["argv0"], *request["args"]]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=request["args"])
    os._exit(0)


class _KernelZygote:
    """One process per worker that imports ipykernel and the notebooks' modules once, warms them up, and
    forks a kernel per report: a fork is fresh (nothing of a previous report: the zygote runs no cell) and
    starts in milliseconds instead of the ~1 s of a new Python importing pandas and matplotlib.

    ``ITANB_FORK_KERNELS=0``: off (kernels are new processes, as jupyter_client starts them)."""

    def __init__(self, prefix: list[str], modules: list[str]):
        code = "from itanb.batch import _zygote_main; _zygote_main()"
        self.prefix = prefix
        self.proc = subprocess.Popen([*prefix, "-c", code, json.dumps(modules)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        self._ready = False

    def fork(self, args: list[str], env: dict, cwd: str | None) -> _ForkedProcess:
        if not self._ready:
            if self.proc.stdout.readline().strip() != b"ready":
                raise OSError("the kernel zygote did not start")
            self._ready = True
        request = {"argv0": self.prefix[0], "args": args, "env": env, "cwd": str(cwd) if cwd else None}
        self.proc.stdin.write(json.dumps(request).encode() + b"\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        if not answer.isdigit():
            raise OSError("the kernel zygote stopped")
        return _ForkedProcess(int(answer))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()
            with contextlib.suppress(Exception):
                self.proc.wait(timeout=5)
        self.proc.stdout.close()


def _zygote_prefix(cmd: list[str]) -> list[str] | None:
    """The interpreter and its options of a ``python [-X...] -m ipykernel_launcher ...`` kernel command, if
    it is this Python (a zygote can only fork what it is)."""
    try:
        at = cmd.index("-m")
    except ValueError:
        return None
    if at + 1 >= len(cmd) or cmd[at + 1] != "ipykernel_launcher":
        return None
    if not all(arg.startswith("-X") for arg in cmd[1:at]):
        return None
    with contextlib.suppress(OSError):
        if Path(cmd[0]).samefile(sys.executable):
            return cmd[:at]
    return None


def _quick_ready_client():
    """jupyter_client's AsyncKernelClient, with a shorter wait for the kernel: the same proof (a kernel_info
    reply on shell, then a message on IOPub, so no output of the first cell can be lost to the IOPub
    subscription still connecting), asked again every 10 ms instead of waiting 200 ms for IOPub."""
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_core.utils import ensure_async

    class QuickReadyClient(AsyncKernelClient):
        async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (timeout if timeout is not None else 60.0)
            replied = False
            while time.monotonic() < deadline:
                if not replied:
                    self.kernel_info()
                    try:
                        msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
                    except Empty:
                        msg = None
                    if msg is not None and msg["msg_type"] == "kernel_info_reply":
                        replied = True
                        self._handle_kernel_info_reply(msg)
                if replied:
                    try:
                        await ensure_async(self.iopub_channel.get_msg(timeout=0.01))
                    except Empty:
                        replied = False  # IOPub not connected yet: ask again
                    else:
                        break
                if not replied and not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
            else:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            while True:  # flush IOPub, as jupyter_client does
                try:
                    await ensure_async(self.iopub_channel.get_msg(timeout=0.01))
                except Empty:
                    break

        wait_for_ready = _async_wait_for_ready  # AsyncKernelClient binds the base class's function

    return QuickReadyClient


def _forking_kernel_manager(pool: _KernelPool):
    """An AsyncKernelManager whose kernel is forked by ``pool``'s zygote (the launch jupyter_client
    documents for subclasses to change); anything else about the kernel is as usual."""
    from jupyter_client import AsyncKernelManager

    class ForkedKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            forked = pool.fork(kernel_cmd, kw)
            if forked is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            provisioner = self.provisioner
            provisioner.process = forked
            provisioner.pid = provisioner.pgid = forked.pid
            provisioner.cwd = kw.get("cwd") or Path.cwd()
            self._reconcile_connection_info(provisioner.connection_info)
            return None

    return ForkedKernelManager


class _KernelPool:
    """Kernels started one report ahead, on a thread of their own, with the notebooks' modules imported."""

    def __init__(self, kernel_name: str = "python3"):
        from concurrent.futures import ThreadPoolExecutor

        self.kernel_name = kernel_name
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="itanb-kernel")
        self._next = None
        self._modules = _warm_modules()
        self._zygote: _KernelZygote | None = None
        self._forking = os.environ.get("ITANB_FORK_KERNELS", "1") != "0" and hasattr(os, "fork")
        # run in each kernel before its report; leaves no name behind in the notebook's namespace
        self._warm = ("from itanb.batch import _import_all as _itanb_import_all\n"
                      f"_itanb_import_all({self._modules!r})\ndel _itanb_import_all\n")

    def fork(self, cmd: list[str], kw: dict) -> _ForkedProcess | None:
        """A kernel forked from this worker's zygote (started on first use); None: launch it as usual."""
        if not self._forking:
            return None
        prefix = _zygote_prefix(cmd)
        if prefix is None:
            return None
        try:
            if self._zygote is None:
                self._zygote = _KernelZygote(prefix, self._modules)
            if self._zygote.prefix != prefix:
                return None
            return self._zygote.fork(cmd[len(prefix) + 2:], kw.get("env") or dict(os.environ), kw.get("cwd"))
        except (OSError, ValueError):
            self._forking = False  # the zygote failed: new processes from now on
            self._close_zygote()
            return None

    def _close_zygote(self) -> None:
        zygote, self._zygote = self._zygote, None
        if zygote is not None:
            zygote.close()

    def _start(self):
        from jupyter_client import AsyncKernelManager
        from jupyter_core.utils import run_sync

        manager = _forking_kernel_manager(self) if self._forking else AsyncKernelManager
        km = manager(kernel_name=self.kernel_name)
        km.client_factory = _quick_ready_client()
        # the kernel's own stderr only repeats a warning about TCP on localhost; cell output goes over zmq
        run_sync(km.start_kernel)(extra_arguments=["--HistoryManager.hist_file=:memory:"],
                                  stderr=subprocess.DEVNULL)
        kc = km.client()
        try:
            kc.start_channels()
            run_sync(kc.wait_for_ready)(timeout=60)
            run_sync(kc.execute_interactive)(self._warm, silent=True, store_history=False, timeout=120,
                                             output_hook=lambda msg: None)
        except BaseException:
            kc.stop_channels()
            run_sync(km.shutdown_kernel)(now=True)
            raise
        kc.stop_channels()
        return km

    @staticmethod
    def _stop(km) -> None:
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):
            run_sync(km.shutdown_kernel)(now=True)

    def prestart(self) -> None:
        """Start a kernel now, ahead of the first :meth:`take`."""
        if self._next is None:
            self._next = self._thread.submit(self._start)

    def take(self, kernel_name: str):
        """A ready kernel manager (None: start one the usual way); starts the next one in the background
        unless this worker has been told that no report follows (:data:`_MORE`)."""
        if kernel_name != self.kernel_name:
            return None
        current = self._next or self._thread.submit(self._start)
        self._next = self._thread.submit(self._start) if _MORE else None
        try:
            return current.result()
        except Exception:
            return None

    def release(self, km) -> None:
        self._thread.submit(self._stop, km)

    def close(self) -> None:
        if self._next is not None:
            with contextlib.suppress(Exception):
                self._stop(self._next.result(timeout=120))
            self._next = None
        self._thread.shutdown(wait=True)
        self._close_zygote()


def _prestart_engine():
    """A papermill engine that runs the notebook on a kernel from this process's :class:`_KernelPool`."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, logger
    from papermill.utils import merge_kwargs, remove_args

    class PrestartedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,  # noqa: PLR0917
                                     stdout_file=None, stderr_file=None, start_timeout=60,
                                     execution_timeout=None, **kwargs):
            km = _POOL.take(kernel_name) if _POOL is not None and kwargs.get("km") is None else None
            if km is None:
                return super().execute_managed_notebook(
                    nb_man, kernel_name, log_output=log_output, stdout_file=stdout_file,
                    stderr_file=stderr_file, start_timeout=start_timeout, execution_timeout=execution_timeout,
                    **kwargs)
            kwargs = remove_args(["input_path", "timeout", "startup_timeout", "km"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log=logger, log_output=log_output,
                                 stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, km=km, **final)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
                _POOL.release(km)

    return PrestartedKernelEngine


def _close_pool() -> None:
    global _POOL
    pool, _POOL = _POOL, None
    if pool is not None:
        pool.close()


def _worker_setup() -> None:
    """Once per worker process: start the first kernel, import papermill/nbconvert, build the exporter."""
    global _POOL, _READY  # noqa: PLW0603 - one pool per worker process
    if _READY:
        return
    _READY = True
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    from itanb import render

    if os.environ.get("ITANB_PRESTART", "1") != "0":
        import atexit
        from multiprocessing import util

        import jupyter_client  # noqa: F401 - imported here, not by two threads at once
        import jupyter_core.utils  # noqa: F401

        _POOL = _KernelPool(render.KERNEL_NAME)
        _POOL.prestart()  # boots while this process imports the rest
        util.Finalize(None, _close_pool, exitpriority=10)
        atexit.register(_close_pool)
    import nbformat
    from papermill.engines import papermill_engines

    if _POOL is not None:
        papermill_engines.register(None, _prestart_engine())
    render.notebook_to_html(nbformat.v4.new_notebook(), "warm-up")  # template and font, cached per process


def render_job(job: tuple, raw_dir: str, processed_dir: str, reports_dir: str, pdf: bool, *,
               more: bool = True) -> dict:
    """Run one report in this (worker) process; return a small picklable result (no notebook).
    ``more`` False: among the last reports of the batch, so start no kernel for a next one."""
    global _MORE  # noqa: PLW0603 - read by this process's kernel pool
    _MORE = more
    report = Job(*job)
    started = time.perf_counter()
    try:
        _worker_setup()
        from itanb import render

        result = render.render_report(report.kind, report.params(), reports_dir=reports_dir, raw_dir=raw_dir,
                                      processed_dir=processed_dir, pdf=pdf)
    except Exception as exc:  # a bad parameter or a crash outside the notebook: no cell to name
        return _failure(report, f"{type(exc).__name__}: {exc}", time.perf_counter() - started)
    return {"key": report.key(), "ok": result.ok, "seconds": result.seconds, "summary": result.summary(),
            "cell_index": result.cell_index, "cell_source": result.cell_source,
            "failed_notebook": str(result.failed_notebook) if result.failed_notebook else None}


def shutdown_worker() -> bool:
    """Stop this worker's spare kernel (called on every Dask worker at the end of a run)."""
    global _READY  # noqa: PLW0603
    _close_pool()
    _READY = False
    return True


# ------------------------------------------------------------------------------------------------ executors

def _run_local(jobs: list[Job], args: tuple, workers: int) -> Iterator[dict]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, as_completed, wait

    context = multiprocessing.get_context("spawn")  # the driver holds threads (pyarrow, tqdm): no fork
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: dict = {}
        limit = 2 * workers
        for i, job in enumerate(jobs):
            more = i < len(jobs) - workers
            future = pool.submit(render_job, (job.kind, job.agency_id, job.fiscal_year), *args, more=more)
            pending[future] = job
            if len(pending) < limit:
                continue
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield _outcome(future, pending.pop(future))
        for future in as_completed(list(pending)):
            yield _outcome(future, pending.pop(future))


def _failure(job: Job, reason: str, seconds: float = 0.0) -> dict:
    """The result of a report that failed outside its notebook (no cell to name, no notebook kept)."""
    return {"key": job.key(), "ok": False, "seconds": seconds, "cell_index": None, "cell_source": None,
            "failed_notebook": None, "summary": f"{job.kind} report failed: {reason}"}


def _outcome(future, job: Job) -> dict:
    """The result of a finished future; a worker that died (killed, out of memory) fails its report."""
    try:
        return future.result()
    except Exception as exc:
        return _failure(job, f"the worker process failed: {type(exc).__name__}: {exc}")


def _run_dask(jobs: list[Job], args: tuple, workers: int, scheduler: str | None) -> Iterator[dict]:
    import logging

    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise ParameterError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}") from None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        slots = max(1, sum(client.nthreads().values()))
        queue = iter(enumerate(jobs))
        index: dict = {}

        def submit(i: int, job: Job):
            future = client.submit(render_job, (job.kind, job.agency_id, job.fiscal_year), *args,
                                   more=i < len(jobs) - slots, pure=False)
            index[future.key] = i
            return future

        completed = as_completed([submit(i, j) for i, j in islice(queue, 2 * slots)])
        for future in completed:
            result = _outcome(future, jobs[index.pop(future.key)])
            future.release()
            for i, job in islice(queue, 1):
                completed.add(submit(i, job))
            yield result
    finally:
        with contextlib.suppress(Exception):
            client.run(shutdown_worker)
        client.close()
        if cluster is not None:
            cluster.close()


# ------------------------------------------------------------------------------------------------ driver


@dataclass
class BatchResult:
    planned: int = 0
    built: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    index: Path | None = None
    executor: str = "local"
    workers: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def text(self) -> str:
        lines = [f"itanb batch: {self.planned} reports: {len(self.built)} built, {self.unchanged} unchanged, "
                 f"{len(self.failed)} failed in {self.seconds:.2f} s "
                 f"({self.executor}, {self.workers} workers)"]
        lines += [f"FAILED {f['key']}: {f['summary']}" for f in self.failed]
        if self.index:
            lines.append(f"index: {self.index}")
        return "\n".join(lines)


def run_batch(years: tuple[int, int] | None = None, agencies: Iterable[str] | None = None, *,
              pdf: bool = False, workers: int | None = None, executor: str = "local",
              scheduler: str | None = None, force: bool = False, raw_dir: Path | str = paths.RAW,
              processed_dir: Path | str = paths.PROCESSED, reports_dir: Path | str = paths.REPORTS,
              jobs: list[Job] | None = None, progress: bool | None = None) -> BatchResult:
    """Build the reports that changed (all with ``force``); see the module docstring. ``jobs`` replaces the
    plan of :func:`plan_jobs`. ``progress``: a tqdm bar on stderr (default: when stderr is a terminal)."""
    from itanb import render
    from itanb.store import load_tables

    if executor not in ("local", "dask"):
        raise ParameterError(f"executor must be local or dask, got {executor!r}")
    started = time.perf_counter()
    raw_dir, processed_dir, reports_dir = (Path(p).resolve() for p in (raw_dir, processed_dir, reports_dir))
    workers = max(1, int(workers or os.cpu_count() or 1))
    tables = load_tables(processed_dir)
    if jobs is None:
        jobs = plan_jobs(tables, years, agencies)
    digests = dependency_hashes(tables, jobs)
    del tables
    result = BatchResult(planned=len(jobs), executor=executor, workers=workers)
    with _lock(reports_dir):
        _remove_stale_temporaries(reports_dir)
        manifest = Manifest(reports_dir).load()
        todo = [j for j in jobs if force or not manifest.is_current(j.key(), digests[j.key()], pdf)]
        result.unchanged = len(jobs) - len(todo)
        if todo:
            args = (str(raw_dir), str(processed_dir), str(reports_dir), pdf)
            if executor == "dask":
                results = _run_dask(todo, args, workers, scheduler)
            else:
                results = _run_local(todo, args, min(workers, len(todo)))
            show = sys.stderr.isatty() if progress is None else progress
            from tqdm import tqdm

            with tqdm(total=len(todo), file=sys.stderr, disable=not show, unit="report",
                      desc="itanb batch") as bar:
                try:
                    for res in results:
                        if res["ok"]:
                            manifest.record(res["key"], digests[res["key"]], pdf)
                            result.built.append(res["key"])
                        else:
                            manifest.record(res["key"], None)
                            result.failed.append(res)
                        bar.update(1)
                finally:
                    manifest.save()
        elif not manifest.path.exists() or manifest.journal_path.exists():
            manifest.save()
        result.index = render.write_index(reports_dir)
    result.seconds = time.perf_counter() - started
    return result


def run_batch_cli(years, agencies, pdf, workers, executor, scheduler, force, raw_dir,  # noqa: PLR0917
                  processed_dir, reports_dir) -> int:
    """``itanb batch``: the summary on stdout, a FAILED line per failed report on stderr; 1 on a failure."""
    result = run_batch(years, agencies, pdf=pdf, workers=workers, executor=executor, scheduler=scheduler,
                       force=force, raw_dir=raw_dir, processed_dir=processed_dir, reports_dir=reports_dir)
    lines = result.text().splitlines()
    print(lines[0])
    for line in lines[1:]:
        print(line, file=sys.stderr if line.startswith("FAILED") else sys.stdout)
    return 0 if result.ok else 1
