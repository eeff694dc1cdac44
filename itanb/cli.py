"""Command line: arguments in, one-line errors and exit codes out. No logic of its own.

Exit status: 0 success; 1 a result that is a "no" (no level for that year, a failed report in a batch);
2 bad input (one line on stderr naming the file and the problem, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")


def _years(text: str) -> tuple[int, int]:
    """'2564-2566' or '2565' -> (first, last) fiscal years (BE)."""
    parts = text.split("-")
    try:
        first, last = int(parts[0]), int(parts[-1])
    except ValueError:
        raise argparse.ArgumentTypeError(f"years must look like 2564-2566 or 2565, got {text!r}") from None
    if len(parts) > 2 or first > last:
        raise argparse.ArgumentTypeError(f"years must look like 2564-2566 or 2565, got {text!r}")
    return first, last


def _dirs(parser: argparse.ArgumentParser, *which: str) -> None:
    from itanb import paths

    defaults = {"raw": paths.RAW, "processed": paths.PROCESSED, "reports": paths.REPORTS}
    for name in which:
        parser.add_argument(f"--{name}", type=Path, default=defaults[name],
                            help=f"{name} data folder (default: {defaults[name]})")


def cmd_parse_memo(args: argparse.Namespace) -> int:
    from itanb.memo import parse_memo_file

    memo = parse_memo_file(args.file)
    print(json.dumps(memo.to_json_dict(), ensure_ascii=False, indent=2))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from itanb.ingest import ingest

    summary = ingest(raw_dir=args.raw, processed_dir=args.processed)
    print(summary.text())
    for line in summary.unread:  # scans that need tesseract: the rest is ingested, the command fails
        print(f"itanb: {line}", file=sys.stderr)
    return 2 if summary.unread else 0


def cmd_grade(args: argparse.Namespace) -> int:
    from itanb.errors import ParameterError
    from itanb.grading import grade

    if args.eit is not None and (args.eit1 is not None or args.eit2 is not None):
        raise ParameterError("give either --eit or its two parts --eit1 and --eit2, not both")
    result = grade(args.year, args.score, iit=args.iit, eit=args.eit, eit1=args.eit1, eit2=args.eit2,
                   oit=args.oit)
    if args.json:
        print(json.dumps({"fiscal_year": result.fiscal_year, "score": float(result.score),
                          "scheme": result.scheme, "level": result.level, "possible": list(result.possible),
                          "reason": result.reason}, ensure_ascii=False))
    elif result.possible:
        print(result.shown)
    if result.reason and not args.json:
        print(result.reason, file=sys.stderr)
    return 0 if result.possible else 1


def cmd_agencies(args: argparse.Namespace) -> int:
    """The agencies matching TEXT (all without), one per line, tab-separated: agency_id, name, district,
    province; none: one line on stderr, 1."""
    from itanb.explore import find_agencies
    from itanb.store import load_tables

    tables = load_tables(args.processed)
    found = find_agencies(args.text, tables)
    if found.empty:
        print(f"itanb: no agency matches {args.text!r} among the {len(tables.agencies)} agencies of "
              f"{args.processed}", file=sys.stderr)
        return 1
    print("agency_id\tname\tdistrict\tprovince")
    for row in found.itertuples(index=False):
        print("\t".join(value or "-" for value in (row.agency_id, row.name, row.district, row.province)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The report's path (and its PDF's) on stdout; a failed run: one line on stderr, 1."""
    from itanb import draft
    from itanb.errors import ParameterError
    from itanb.render import render_report, report_params

    if args.docx and not draft.knows(args.kind):
        raise ParameterError(f"--docx (the Word draft of an agency's analysis) goes with --kind fiscal-year, "
                             f"not {args.kind}")
    params = report_params(args.kind, agency=args.agency, fiscal_year=args.year)
    result = render_report(args.kind, params, reports_dir=args.reports, raw_dir=args.raw,
                           processed_dir=args.processed, pdf=args.pdf, xlsx=args.xlsx,
                           docx=args.docx).raise_for_error()
    if args.docx and result.docx is None:  # asked for by name: a draft that does not apply is an error
        raise ParameterError(f"HTML written; {'; '.join(result.skipped)}")
    print("\n".join(str(p) for p in (result.html, result.pdf, result.xlsx, result.docx) if p))
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """The summary and the index on stdout, a FAILED line per failed report on stderr; 1 on a failure."""
    from itanb.batch import run_batch

    result = run_batch(args.years, args.agency, pdf=args.pdf, xlsx=args.xlsx, docx=args.docx,
                       workers=args.workers, executor=args.executor, scheduler=args.scheduler,
                       force=args.force, raw_dir=args.raw, processed_dir=args.processed,
                       reports_dir=args.reports)
    print(result.summary())
    if result.failures():
        print("\n".join(result.failures()), file=sys.stderr)
    print(f"index: {result.index}")
    return 0 if result.ok else 1


def cmd_synth(args: argparse.Namespace) -> int:
    from itanb.synth import write_synthetic

    formats = tuple(f.strip() for f in args.memo_formats.split(",") if f.strip())
    summary = write_synthetic(out_dir=args.out, agencies=args.agencies, years=args.years, seed=args.seed,
                              memo_formats=formats, mismatches=args.mismatches)
    print(summary)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from itanb.bench import run_bench

    return run_bench(reports=args.reports, national=args.national, workdir=args.workdir, memos=args.memos,
                     year_agencies=args.year_agencies, scanned=args.scans)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="itanb", description="ITA analytics and reports")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse-memo", help="print a parsed memo as JSON")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_parse_memo)

    p = sub.add_parser("ingest", help="build data/processed from data/raw")
    _dirs(p, "raw", "processed")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("grade", help="the level of a score in a fiscal year (Thai digits accepted)")
    p.add_argument("--year", type=int, required=True, help="fiscal year (BE), e.g. 2565")
    p.add_argument("score", help="total score 0-100")
    p.add_argument("--iit", help="IIT tool score")
    p.add_argument("--eit", help="EIT tool score (from FY2566 the mean of its two parts)")
    p.add_argument("--eit1", help="EIT part 1 (EIT ส่วนที่ 1, FY2566 on)")
    p.add_argument("--eit2", help="EIT part 2 (EIT ส่วนที่ 2, FY2566 on)")
    p.add_argument("--oit", help="OIT tool score")
    p.add_argument("--json", action="store_true",
                   help='one JSON object {"fiscal_year", "score", "scheme", "level", "possible", "reason"}')
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("agencies", help="agency ids, names, districts and provinces (Thai or ASCII search)")
    p.add_argument("text", nargs="?", help="part of a name, district, province or agency_id; e.g. โคกสะอาด, "
                                           "khok, กาฬสินธุ์, kalasin (default: every agency)")
    _dirs(p, "processed")
    p.set_defaults(func=cmd_agencies)

    _report_commands(sub.add_parser)
    _synthetic_commands(sub.add_parser)
    return parser


def _report_commands(add_parser: Callable[..., argparse.ArgumentParser]) -> None:
    """``report`` and ``batch``."""
    p = add_parser("report", help="one report (HTML, optionally PDF)")
    p.add_argument("--agency", help="agency_id (see data/processed agencies)")
    p.add_argument("--year", type=int, help="fiscal year (BE)")
    p.add_argument("--kind", default="fiscal-year",
                   help="report kind, declared by its notebook (default: fiscal-year; also year-over-year, "
                        "portfolio)")
    p.add_argument("--pdf", action="store_true", help="also write a PDF")
    p.add_argument("--xlsx", action="store_true", help="also write the report's tables as an Excel workbook")
    p.add_argument("--docx", action="store_true",
                   help="also write the editable Word draft of the agency's analysis (fiscal-year reports)")
    _dirs(p, "raw", "processed", "reports")
    p.set_defaults(func=cmd_report)

    p = add_parser("batch", help="every report for the loaded data, and reports/index.html")
    p.add_argument("--years", type=_years, help="fiscal years, e.g. 2564-2566")
    p.add_argument("--agency", action="append", help="agency_id (repeatable; default: all)")
    p.add_argument("--pdf", action="store_true", help="also write PDFs")
    p.add_argument("--xlsx", action="store_true", help="also write each report's tables as an Excel workbook")
    p.add_argument("--docx", action="store_true",
                   help="also write the Word draft of the agency's analysis beside each fiscal-year report")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: number of cores)")
    p.add_argument("--executor", choices=["local", "dask"], default="local")
    p.add_argument("--scheduler", help="Dask scheduler address tcp://HOST:PORT (default: a LocalCluster)")
    p.add_argument("--force", action="store_true", help="rebuild reports even when nothing changed")
    _dirs(p, "raw", "processed", "reports")
    p.set_defaults(func=cmd_batch)


def _synthetic_commands(add_parser: Callable[..., argparse.ArgumentParser]) -> None:
    """``synth`` and ``bench``, on synthetic data."""
    p = add_parser("synth", help="write SYNTHETIC raw memos and score tables (never into data/raw)")
    p.add_argument("--agencies", type=int, required=True)
    p.add_argument("--years", type=_years, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--memo-formats", default="md",
                   help="comma-separated memo formats taken in turn: md, docx, pdf (default md)")
    p.add_argument("--mismatches", type=int, default=0,
                   help="score rows whose indicator 1 no longer adds up (a total_mismatch each; default 0)")
    p.set_defaults(func=cmd_synth)

    p = add_parser("bench", help="time batch runs against the plain papermill loop, on synthetic data")
    p.add_argument("--reports", type=int, default=16,
                   help="fiscal-year reports to time (default 16, at least 2)")
    p.add_argument("--national", type=int, default=0, help="also time the data path on N synthetic agencies")
    p.add_argument("--workdir", type=Path, default=None, help="keep the benchmark's files here")
    p.add_argument("--memos", type=int, default=300,
                   help="also time parsing N synthetic memos per format (md, docx, pdf; default 300)")
    p.add_argument("--year-agencies", type=int, default=0,
                   help="also time one fiscal year's whole batch for N synthetic agencies and extrapolate "
                        "it to the national year (at least 250 for 500 reports)")
    p.add_argument("--scans", type=int, default=0,
                   help="also time reading N synthetic memos scanned at 300 dpi (OCR; pages per second)")
    p.set_defaults(func=cmd_bench)


def main(argv: list[str] | None = None) -> int:
    from itanb.errors import ItanbError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ItanbError as exc:
        print(f"itanb: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except KeyboardInterrupt:
        print("itanb: interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The ``itanb`` command: :func:`main`, its exit status."""
    from itanb.batch.executors import decline_iri_grammars

    decline_iri_grammars()
    sys.exit(main())


if __name__ == "__main__":
    run()
