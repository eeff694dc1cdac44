"""Values read off a scan below the reader's confidence, pictured where the report shows them.

An ``ocr_uncertain`` finding names the value it is about (``field``: :data:`itanb.findings.VALUE_FIELDS` or
``measures[N].due`` / ``measures[N].status``) and carries the small picture of where it was read (``image``,
a PNG ``data:`` URI). The fiscal-year report puts that picture beside the value itself (the score and level
in the headline, the fiscal year, each measure's deadline and status) with a short note, so a person can
confirm it at a glance; the findings list keeps it too. A picture goes beside a value only when the value
shown was read from the same file as the finding (a scan's score that gave way to a score table's is not
pictured beside the table's). Embedded, so the report stays one offline file; escaped like every value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from itanb.findings import field_label, split_field
from itanb.views.context import Context
from itanb.views.format import esc, is_missing, prose_digits, records
from itanb.views.sources import assessment_source

PNG = "data:image/png;base64,"  # the only kind of picture a report embeds
NOTE = "อ่านจากสแกน โปรดตรวจ"  # beside a value read uncertainly: read from a scan, please check
ASSESSMENT_FIELDS = frozenset({"score", "level_reported", "assessed_fiscal_year"})


@dataclass(frozen=True)
class Picture:
    field: str  # the value it shows (itanb.findings.split_field)
    image: str  # PNG data: URI; "" for the note alone
    places: str  # where, in Thai ("หน้า 2"); "" when not known


def _names_file(source: str, file: str) -> bool:
    """A finding's ``source`` (``memos/x.pdf, page 2``) is in ``file`` (a table's source, ``:line`` left
    out)."""
    file = re.sub(r":\d+$", "", file)
    return bool(file) and (source == file or source.startswith(file + ", "))


def _mine(ctx: Context, column: str) -> pd.DataFrame:
    """The agency's findings with a value in ``column`` (``image``, ``field``)."""
    f = ctx.tables.findings
    if column not in f.columns:
        return f.iloc[:0]
    return f[(f["agency_id"] == ctx.agency_id) & f[column].notna()]


def scan_pictures(ctx: Context, assessed_year: int | None = None) -> dict[str, list[Picture]]:
    """field -> the pictures of the values this report shows that were read uncertainly off a scan: the
    measures of ``ctx.fiscal_year`` and their memo's date and fiscal year (findings of that year from the
    measures' file), and the values of the assessment of ``assessed_year`` (the one the report shows, from
    the file it was read from). A finding without ``field`` is left to the findings list; one without a
    picture (a value its memo's other values contradict), or whose picture is not a PNG ``data:`` URI, gets
    the note alone (``Picture.image`` empty)."""
    mine = _mine(ctx, "field")
    mine = mine[mine["code"] == "ocr_uncertain"]
    if mine.empty:
        return {}
    m = ctx.tables.measures
    measures_from = set(m.loc[(m["agency_id"] == ctx.agency_id) & (m["fiscal_year"] == ctx.fiscal_year),
                              "source"].astype(str))
    scored_from = assessment_source(ctx, assessed_year) if assessed_year is not None else ""
    out: dict[str, list[Picture]] = {}
    for rec in records(mine):
        try:
            name, _ = split_field(str(rec.field))
        except ValueError:
            continue  # a field this itanb does not know: the findings list still shows it
        image = str(rec.image) if not is_missing(rec.image) and str(rec.image).startswith(PNG) else ""
        if name in ASSESSMENT_FIELDS:
            shown = _names_file(str(rec.source), scored_from)
        else:
            shown = (not is_missing(rec.fiscal_year) and int(rec.fiscal_year) == ctx.fiscal_year
                     and any(_names_file(str(rec.source), s) for s in measures_from))
        if shown:
            places = "" if is_missing(rec.places) else str(rec.places)
            out.setdefault(str(rec.field), []).append(Picture(str(rec.field), image, places))
    return out


def beside(pictures: list[Picture], thai_digits: bool = False, *, shown_as: str | None = None) -> str:
    """The HTML put right after a value: each picture, small, with the note and its page (the note alone
    where there is no picture). ``shown_as``: the name the value is shown under; a picture of another value
    (the memo date beside the fiscal year) is named."""
    parts = []
    for p in pictures:
        name = field_label(p.field)
        note = NOTE + (f" · {p.places}" if p.places else "")
        if shown_as is not None and name != shown_as:
            note = f"{name}: {note}"
        img = (f'<img src="{esc(p.image)}" alt="{esc(f"ภาพที่อ่าน{name}จากสแกน")}">' if p.image else "")
        parts.append(f'<span class="itanb-scan" data-field="{esc(p.field)}">{img}'
                     f"<small>{esc(prose_digits(note, thai_digits))}</small></span>")
    return "".join(parts)


def placed(pictures: dict[str, list[Picture]], home: dict[str, str], labels: list[str],
           thai_digits: bool = False) -> dict[str, str]:
    """Label -> the HTML of the pictures shown beside the value under that label: ``home`` gives each
    field's label; a field whose label is not among ``labels`` (not shown) has none."""
    out: dict[str, str] = {}
    for field, label in home.items():
        if field in pictures and label in labels:
            out[label] = out.get(label, "") + beside(pictures[field], thai_digits, shown_as=label)
    return out


def finding_pictures(ctx: Context) -> dict[tuple[str, str], str]:
    """(message with its places, where) of each finding of the agency with a picture (``ocr_uncertain``:
    where a value was read on a scan) -> the picture's ``data:`` URI, in the words of the findings list."""
    out = {}
    for rec in records(_mine(ctx, "image")):
        where = str(rec.source) + (f":{int(rec.line)}" if not is_missing(rec.line) else "")
        text = rec.message + (f" ({rec.places})" if not is_missing(rec.places) else "")
        out[(prose_digits(text, ctx.thai_digits), where)] = str(rec.image)
    return out
