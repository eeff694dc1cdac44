"""What an analyst calls in a notebook besides the report functions: finding an agency.

``itanb.find_agencies("โคกสะอาด")`` (or ``"khok"``, ``"kalasin"``, ``"กาฬสินธุ์"``) lists the agencies whose
name, district or province contains the text, compared as :func:`itanb.thai.normalize_for_matching` compares
(sara am, Thai digits, spaces, case), or whose agency_id or province's English name does (ASCII text); a
kind's abbreviation is understood (``อบต.โคกสะอาด``, :func:`itanb.agencies.parse_name`), and so is a place's
prefix (``จังหวัดกาฬสินธุ์``, ``อ.ฆ้องชัย``). Nothing found that
way: the closest agency_ids and names by spelling. ``itanb agencies [TEXT]`` prints the same table.
"""

from __future__ import annotations

import difflib
from typing import Any

import pandas as pd

from itanb import paths
from itanb.agencies import PROVINCE_SLUGS, parse_name
from itanb.compare import place_name
from itanb.store import load_tables
from itanb.thai import normalize_for_matching

AGENCY_COLUMNS = ("agency_id", "name", "kind", "district", "province")
CLOSE_CUTOFF = 0.6  # difflib ratio of a near miss shown when nothing contains the text


def _keys(agencies: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Per agency: its Thai text as compared (name, district, province), and its ASCII text (agency_id and the
    province's English name)."""
    thai, ascii_ = [], []
    for agency_id, name, district, province in zip(agencies["agency_id"], agencies["name"],
                                                   agencies["district"], agencies["province"], strict=True):
        places = [p for p in (district, province) if isinstance(p, str)]
        thai.append(" | ".join(normalize_for_matching(t) for t in (str(name), *places)))
        ascii_.append(f"{agency_id} {PROVINCE_SLUGS.get(province, '') if isinstance(province, str) else ''}")
    return thai, ascii_


def _close(agencies: pd.DataFrame, text: str) -> list[int]:
    """Row positions of the agencies whose id or name is spelt closest to ``text``."""
    key = normalize_for_matching(text)
    scores = []
    for i, (agency_id, name) in enumerate(zip(agencies["agency_id"], agencies["name"], strict=True)):
        spellings = (str(agency_id), normalize_for_matching(str(name)),
                     normalize_for_matching(parse_name(str(name)).base))  # โคกสะอาด of อบต.โคกสะอาด
        ratio = max(difflib.SequenceMatcher(None, key, spelt).ratio() for spelt in spellings)
        if ratio >= CLOSE_CUTOFF:
            scores.append((-ratio, i))
    return [i for _, i in sorted(scores)[:5]]


def find_agencies(text: str | None = None, tables: Any = None) -> pd.DataFrame:
    """The agencies of the processed tables, or those matching ``text`` (see the module docstring).

    Parameters
    ----------
    text
        Thai or ASCII: part of a name (with or without the kind, e.g. ``อบต.โคกสะอาด``), a district, a
        province
        (Thai or its English name), or part of an agency_id. None or empty: every agency.
    tables
        The processed tables (:func:`itanb.load_tables`); None: loaded from ``data/processed``.

    Returns
    -------
    pandas.DataFrame
        Columns ``agency_id`` (str: what reports and functions take), ``name`` (str, Thai, in full),
        ``kind`` (str: อบต., เทศบาลตำบล, … or other), ``district`` and ``province`` (str or None, Thai,
        without อำเภอ/จังหวัด); sorted by province, district and name; a RangeIndex. No match: the closest
        spellings, or no rows.
    """
    tables = load_tables(paths.PROCESSED) if tables is None else tables
    agencies = tables.agencies.loc[:, list(AGENCY_COLUMNS)]
    agencies = agencies.astype(object).where(agencies.notna(), None)
    text = (text or "").strip()
    if text:
        thai, ascii_ = _keys(agencies)
        key = normalize_for_matching(text)
        place = normalize_for_matching(place_name(text))  # จังหวัดกาฬสินธุ์, อ.ฆ้องชัย: as the table has them
        parsed = parse_name(text)
        base = normalize_for_matching(parsed.base) if parsed.base else ""
        hits = [i for i, (t, a) in enumerate(zip(thai, ascii_, strict=True))
                if key in t or key in a.lower() or place in t
                or (base and base in t and parsed.kind == agencies["kind"].iat[i])]
        agencies = agencies.iloc[hits or _close(agencies, text)]
    order = agencies.assign(_p=agencies["province"].fillna(""), _d=agencies["district"].fillna(""))
    return (order.sort_values(["_p", "_d", "name", "agency_id"]).drop(columns=["_p", "_d"])
            .reset_index(drop=True))
