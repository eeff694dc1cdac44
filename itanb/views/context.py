"""A report's context: its parameters checked (one line for a bad one), the tables loaded once per kernel."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from itanb import paths
from itanb.errors import ParameterError
from itanb.views.format import digits, is_missing
from itanb.vocabulary import BE_MAX, BE_MIN, is_agency_id


@dataclass
class Context:
    """What a report is about, after :func:`check_params`: the loaded tables and the checked parameters."""

    kind: str
    tables: Any
    processed_dir: Path
    raw_dir: Path
    agency_id: str | None = None
    fiscal_year: int | None = None
    province: str | None = None
    district: str | None = None
    agency: dict = field(default_factory=dict)  # the agencies row: agency_id, name, kind, district, province
    thai_digits: bool = False  # numbers and dates shown in Thai digits (๐–๙); identifiers stay ASCII
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return str(self.agency.get("name") or self.agency_id or "")

    def num(self, value: object) -> str:
        """A number (year, count, rank, measure number...) as shown in this report ('–' when missing): see
        :func:`digits`."""
        return "–" if is_missing(value) else digits(value, self.thai_digits)

    def yoy(self) -> pd.DataFrame:
        if "yoy" not in self._cache:
            from itanb.compare import year_over_year

            self._cache["yoy"] = year_over_year(self.tables, self.agency_id)
        return self._cache["yoy"]

    def indicators(self) -> pd.DataFrame:
        """:func:`itanb.indicators.indicator_table` of the agency's assessment up to the report's year."""
        if "indicators" not in self._cache:
            from itanb.indicators import indicator_table

            self._cache["indicators"] = indicator_table(self.tables, self.agency_id, self.fiscal_year)
        return self._cache["indicators"]

    def measure_map(self) -> pd.DataFrame:
        """:func:`itanb.compare.measure_indicators` of the agency's measures of the report's year, in the
        order of the measures table (no rows without measures)."""
        if "measure_map" not in self._cache:
            from itanb.compare import measure_indicators

            m = self.tables.measures
            m = m[(m["agency_id"] == self.agency_id) & (m["fiscal_year"] == self.fiscal_year)]
            self._cache["measure_map"] = (measure_indicators(m) if len(m)
                                          else pd.DataFrame({"measure": [], "indicators": []}))
        return self._cache["measure_map"]

    def measures_answer(self):
        """:func:`itanb.indicators.measures_answer` for the report's agency and year."""
        if "answer" not in self._cache:
            from itanb.indicators import measures_answer

            self._cache["answer"] = measures_answer(self.tables, self.agency_id, self.fiscal_year,
                                                    mapped=self.measure_map())
        return self._cache["answer"]

    def indicator_portfolio(self):
        """:func:`itanb.indicators.portfolio_indicators` for the report's selection and year."""
        if "indicator_portfolio" not in self._cache:
            from itanb.indicators import portfolio_indicators

            self._cache["indicator_portfolio"] = portfolio_indicators(
                self.tables, self.fiscal_year, province=self.province, district=self.district)
        return self._cache["indicator_portfolio"]

    def portfolio(self):
        if "portfolio" not in self._cache:
            from itanb.compare import portfolio

            self._cache["portfolio"] = portfolio(self.tables, self.fiscal_year, province=self.province,
                                                 district=self.district)
        return self._cache["portfolio"]


def _folder(value: object, default: Path, what: str) -> Path:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if not isinstance(value, str | Path):
        raise ParameterError(f"{what} must be a folder path, got {value!r}")
    return Path(value).expanduser().resolve()


def _year(value: object) -> int:
    if isinstance(value, bool):
        raise ParameterError(f"fiscal_year must be a Buddhist Era year such as 2565, got {value!r}")
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not re.fullmatch(r"\d{4}", text):
        raise ParameterError(f"fiscal_year must be a Buddhist Era year such as 2565, got {value!r}")
    year = int(text)
    if 1900 <= year < BE_MIN:
        raise ParameterError(f"fiscal_year {year} looks like a CE year; fiscal years are Buddhist Era "
                             f"(did you mean {year + 543}?)")
    if not BE_MIN <= year <= BE_MAX:
        raise ParameterError(f"fiscal_year {year} is outside {BE_MIN}–{BE_MAX} (Buddhist Era), e.g. 2565")
    return year


_TRUE, _FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0", ""})


def _flag(value: object, what: str) -> bool:
    """A yes/no parameter: a bool, 0/1, the text true/false (yes/no, 1/0; any case); None or "": False."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ParameterError(f"{what} must be True or False, got {value!r}")


def load_tables(processed_dir: Path):
    """The processed tables of ``processed_dir`` (ParameterError if the folder has none: run itanb ingest).

    Loaded and checked once per process while the folder's files stay the same (their modification times and
    sizes are looked at on every call, so a new ingest is seen at once): the reports of one kernel, and the
    kernels forked from a process that loaded them, share one copy. Treat the tables as read-only."""
    files = sorted(processed_dir.glob("*.parquet")) if processed_dir.is_dir() else []
    if not files:
        raise ParameterError(f"processed_dir {processed_dir} has no processed tables; "
                             "run `itanb ingest` first")
    try:
        key = tuple(paths.stamp(f) for f in [*files, *processed_dir.glob("*.json")])
    except OSError:  # a file went away while we looked: load (and report) as it is now
        key = None
    return _load_tables(processed_dir, key) if key else _load_tables.__wrapped__(processed_dir, key)


@lru_cache(maxsize=2)
def _load_tables(processed_dir: Path, _key: tuple | None):
    from itanb.store import load_tables as _load

    return _load(processed_dir)


def suggest_agencies(agencies: pd.DataFrame, text: str, n: int = 3) -> list[str]:
    """agency_ids close to ``text``: by spelling of the id, or whose Thai name contains it."""
    ids = [str(i) for i in agencies["agency_id"]]
    wanted = text.strip().lower()
    close = [i for i in ids if wanted and wanted in i][:n]
    close += [i for i in difflib.get_close_matches(wanted, ids, n=n, cutoff=0.55) if i not in close]
    close = close[:n]
    if len(close) < n and text.strip():
        from itanb.thai import normalize_for_matching

        key = normalize_for_matching(text)
        for agency_id, name in zip(agencies["agency_id"], agencies["name"], strict=True):
            if key and key in normalize_for_matching(str(name)) and agency_id not in close:
                close.append(str(agency_id))
            if len(close) >= n:
                break
    return close


def check_params(kind: str = "fiscal-year", *, agency: object = None, fiscal_year: object = None,
                 province: object = None, district: object = None, processed_dir: object = "",
                 raw_dir: object = "", thai_digits: object = False) -> Context:
    """Check a report's parameters against the loaded data: ParameterError (one line), or a Context.

    kind: fiscal-year (agency, fiscal_year), year-over-year (agency), portfolio (fiscal_year, province?,
    district?). Empty ``processed_dir``/``raw_dir`` mean the project's data/processed and data/raw.
    ``thai_digits`` (True/False, or the text "true"/"false"): numbers and dates shown in Thai digits.
    """
    if kind not in ("fiscal-year", "year-over-year", "portfolio"):
        raise ParameterError(f"unknown report kind {kind!r}; known: fiscal-year, year-over-year, portfolio")
    processed = _folder(processed_dir, paths.PROCESSED, "processed_dir")
    raw = _folder(raw_dir, paths.RAW, "raw_dir")
    year = _year(fiscal_year) if kind != "year-over-year" else None
    thai = _flag(thai_digits, "thai_digits")
    agency_id = None
    if kind != "portfolio":
        if not isinstance(agency, str) or not agency.strip():
            raise ParameterError(f"agency must be an agency_id such as sao-khok-sa-at, got {agency!r}")
        agency_id = agency.strip()
    tables = load_tables(processed)
    ctx = Context(kind=kind, tables=tables, processed_dir=processed, raw_dir=raw, agency_id=agency_id,
                  fiscal_year=year, thai_digits=thai)

    if agency_id is not None:
        agencies = tables.agencies
        row = agencies[agencies["agency_id"] == agency_id]
        if row.empty:
            close = suggest_agencies(agencies, agency_id)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            shape = ("" if is_agency_id(agency_id)
                     else " (an agency_id is lowercase ASCII words joined by '-')")
            raise ParameterError(f"unknown agency {agency_id!r}{shape}: not among the {len(agencies)} loaded "
                                 f"agencies{hint} (`itanb agencies TEXT` finds one by name or place)")
        ctx.agency = {k: (None if is_missing(v) else v) for k, v in row.iloc[0].to_dict().items()}
        years = [int(y) for y in ctx.yoy()["fiscal_year"]]  # years with a score or measures; cached
        if not years:
            raise ParameterError(f"agency {agency_id!r} has no scores and no measures in {processed}")
        if year is not None and year not in years:
            raise ParameterError(f"no data for {agency_id} in fiscal year {year}; years with data: "
                                 f"{', '.join(map(str, years))}")
    else:
        years = sorted(int(y) for y in tables.assessments["fiscal_year"].unique())
        if year not in years:
            raise ParameterError(f"no assessments for fiscal year {year}; years with data: "
                                 f"{', '.join(map(str, years)) or 'none'}")
        for what, value in (("province", province), ("district", district)):
            if value is not None and not isinstance(value, str):
                raise ParameterError(f"{what} must be a Thai name such as กาฬสินธุ์, got {value!r}")
        from itanb.compare import place_name

        # as stored (no จังหวัด/อำเภอ prefix): the title adds the prefix itself
        ctx.province = place_name(province) if isinstance(province, str) and province.strip() else None
        ctx.district = place_name(district) if isinstance(district, str) and district.strip() else None
        ctx.portfolio()  # raises ParameterError for a province or district that matches no agency
    return ctx
