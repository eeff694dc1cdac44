"""SYNTHETIC raw data for tests and the benchmark: memos and score tables in the formats of the real ones.

Every agency is named ``หน่วยงานสังเคราะห์ 0001`` (``0002`` ...), every file says ``ข้อมูลสังเคราะห์ (SYNTHETIC)``
in its text, and nothing is ever written into the project's ``data/raw``. The output is a raw folder::

    <out_dir>/memos/<group>/synthetic-0001-ita-measures-memo-2565.md   (some .txt): one memo per agency
    <out_dir>/scores/synthetic-ita-scores-<fiscal_year>.csv|.xlsx      one score table per fiscal year

Scores follow the published national averages (``itanb/data/national-averages.csv``; interpolated between the
years listed, held at the nearest year outside them) with a skewed spread below 100 and an agency effect that
persists from year to year. The memos copy the layout of the real memo (``data/raw/memos``) with the defects
listed in ITA-REFERENCE.md: plan tables split across pages, Thai and Arabic digits, marks / ✓ ✔ x, status
headers that repeat ``ยังไม่ดำเนินงาน``, retyped measure names with small typos, decomposed sara am, a status
row that matches no plan row now and then, rows with no mark, and a district named two ways.

The same ``seed`` gives the same bytes. :func:`plan_synthetic` returns what :func:`write_synthetic` writes
(the expected counts), for tests.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import itertools
import random
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from itanb import paths
from itanb.errors import InputError
from itanb.vocabulary import BE_MAX, BE_MIN, STATUS_LABELS, STATUSES

LABEL = "ข้อมูลสังเคราะห์ (SYNTHETIC)"
MEMO_FORMATS = ("md", "docx", "pdf")  # what write_synthetic can write memos as
AGENCY_PREFIX = "หน่วยงานสังเคราะห์"
PER_GROUP = 500  # memos per sub-folder of memos/

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
          "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
MONTHS_SHORT = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.",
                "ธ.ค."]
# Place names are synthetic too: a letter after "สังเคราะห์", so no real province is misdescribed.
PLACE_LETTERS = "กขคงจฉชซญฎฐดตถทธนบปผพฟภมยรลวศสหอฮ"
PROVINCES = [f"สังเคราะห์{c}" for c in PLACE_LETTERS[:20]]
OWNERS = ["สำนักปลัด", "กองคลัง", "กองช่าง", "กองการศึกษาฯ", "กองสาธารณสุขฯ", "กองสวัสดิการสังคม", "งานนิติการ"]
SIGNERS = ["นายสมมติ ตัวอย่าง", "นางสาวทดสอบ สังเคราะห์", "นายจำลอง ข้อมูลเทียม", "นางสมมุติ ไม่มีจริง"]

# (measure, steps): the twelve measures of the real memo and a few more of the same kind.
MEASURES: list[tuple[str, str]] = [
    ("มีแนวทางปฏิบัติเกี่ยวกับการใช้ทรัพย์สินของราชการที่ถูกต้อง",
     "จัดทำแนวทางปฏิบัติเกี่ยวกับการใช้ทรัพย์สินของทางราชการ"),
    ("ให้ความรู้เกี่ยวกับการป้องกันผลประโยชน์ทับซ้อน",
     "ฝึกอบรมหรือประชุมพนักงานเพื่อให้ความรู้เกี่ยวกับผลประโยชน์ทับซ้อน"),
    ("ให้ความรู้เรื่องการประเมินคุณธรรมและความโปร่งใสในการดำเนินของหน่วยงานภาครัฐ",
     "รณรงค์ให้ความรู้เรื่องการประเมินคุณธรรมและความโปร่งใสผ่านสื่อสังคมออนไลน์หรือสื่อสารสนเทศของหน่วยงาน"),
    ("การจัดทำประกาศข้อปฏิบัติในการขอยืมทรัพย์สินของทางราชการไปใช้ในการปฏิบัติงาน",
     "จัดทำประกาศข้อปฏิบัติในการขอยืมทรัพย์สินของทางราชการให้บุคคลภายในและภายนอกหน่วยงานทราบให้ชัดเจน"),
    ("การปรับปรุงระบบการทำงาน",
     "จัดทำมาตรการลดขั้นตอนในการให้บริการ เช่น การให้บริการ ณ จุดเดียว (One stop service) การให้บริการโดยใช้ระบบ IT"),
    ("ช่องทางแจ้งเรื่องร้องเรียนการทุจริตเป็นการเฉพาะผ่านทางเว็บไซต์ของหน่วยงาน",
     "จัดให้มีช่องทางแจ้งเรื่องร้องเรียนการทุจริตเป็นการเฉพาะผ่านทางเว็บไซต์ของหน่วยงาน"),
    ("การตรวจสอบและการต่ออายุเว็บไซต์ของหน่วยงานให้สามารถใช้งานได้",
     "ตรวจสอบและปรับปรุงเว็บไซต์ของหน่วยงานให้เป็นปัจจุบัน"),
    ("หลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคล",
     "จัดทำประกาศหลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคลด้านการสรรหาและการคัดเลือกบุคลากร"),
    ("E – Service", "เพิ่มช่องทางการบริการ E – Service ผ่านทางเว็บไซต์ของหน่วยงาน"),
    ("การดำเนินงาน", "จัดทำขั้นตอนและระยะเวลาการปฏิบัติงาน/การให้บริการอย่างชัดเจน"
     "<br>-สร้างจิตสำนึกให้แก่พนักงานในหน่วยงานให้บริการอย่างเท่าเทียมกันไม่เลือกปฏิบัติ"),
    ("การใช้อำนาจหน้าที่",
     "สร้างการรับรู้ของบุคลากรภายในหน่วยงานต่อการใช้อำนาจของผู้บังคับบัญชาอย่างเป็นธรรมและไม่เลือกปฏิบัติ"),
    ("การเผยแพร่ข้อมูลข่าวสาร",
     "เผยแพร่ผลงานหรือข้อมูลที่สาธารณชนควรรับทราบอย่างชัดเจน เข้าถึงได้ง่ายไม่ซับซ้อน และมีช่องทางหลากหลาย"),
    ("การเปิดเผยข้อมูลการจัดซื้อจัดจ้างประจำปี",
     "เผยแพร่แผนการจัดซื้อจัดจ้างและรายงานผลการจัดซื้อจัดจ้างรายเดือนบนเว็บไซต์ของหน่วยงาน"),
    ("การจัดทำแผนปฏิบัติการป้องกันการทุจริต",
     "จัดทำแผนปฏิบัติการป้องกันการทุจริตประจำปีและรายงานผลการดำเนินงานรอบ ๖ เดือน"),
    ("มาตรการป้องกันการรับสินบน",
     "ประกาศเจตนารมณ์ไม่รับของขวัญและของกำนัลทุกชนิดจากการปฏิบัติหน้าที่ (No Gift Policy)"),
    ("การประเมินความเสี่ยงการทุจริตและประพฤติมิชอบ",
     "วิเคราะห์ความเสี่ยงการทุจริตในการปฏิบัติงานและกำหนดมาตรการควบคุมความเสี่ยง"),
    ("การจัดทำคู่มือการปฏิบัติงานและมาตรฐานการให้บริการ",
     "จัดทำคู่มือการปฏิบัติงานและเผยแพร่สถิติการให้บริการบนเว็บไซต์ของหน่วยงาน"),
    ("การรายงานผลการใช้จ่ายงบประมาณ",
     "รายงานผลการใช้จ่ายงบประมาณประจำปีและเผยแพร่ให้สาธารณชนทราบ"),
]
STATUS_HEADERS = tuple(STATUS_LABELS[s] for s in STATUSES)  # the memo form's column headers
PLAN_HEADERS = ("มาตรการ", "ขั้นตอนหรือวิธีการปฏิบัติ", "ผู้รับผิดชอบ", "การกำกับติดตาม")
# (English header, Thai header) of the score tables, in the order of the real published table.
SCORE_COLUMNS = [("agency", "หน่วยงาน"), ("fiscal_year", "ปีงบประมาณ"), ("score", "คะแนน"),
                 ("level", "ระดับ"), ("source", "แหล่งที่มา")]
TOOL_COLUMNS = [("iit", "IIT"), ("eit", "EIT"), ("oit", "OIT")]
TOOLS_FROM = 2567  # tool scores (IIT/EIT/OIT) decide the top levels from FY2567 on
XLSX_EPOCH = (1980, 1, 1, 0, 0, 0)
LETTERS = ("AA", "A", "B", "C", "D", "E", "F")


def agency_name(number: int) -> str:
    """The Thai name of synthetic agency ``number`` (1-based): ``หน่วยงานสังเคราะห์ 0001``."""
    return f"{AGENCY_PREFIX} {number:04d}"


def agency_id(number: int) -> str:
    """The agency_id that ``itanb.agencies`` gives a synthetic agency: ``synthetic-0001``."""
    return f"synthetic-{number:04d}"


@dataclass
class SynthMemo:
    """What one synthetic memo says (before the layout and the defects are applied)."""

    number: int
    fiscal_year: int  # of the memo's date (BE)
    memo_date: dt.date
    district: str
    province: str
    assessment_year: int
    score: str | None  # the cited score ("74.83"), None: the memo cites no score
    level_reported: str | None
    plan_rows: int
    unmatched_status_rows: int
    unmarked_rows: int
    path: str = ""  # relative to the raw folder
    text: str = field(default="", repr=False)

    @property
    def measures(self) -> int:
        """The number of measures a parser that drops no row finds: plan rows + unmatched status rows."""
        return self.plan_rows + self.unmatched_status_rows


@dataclass
class SynthPlan:
    agencies: int
    years: tuple[int, int]
    seed: int
    memos: list[SynthMemo]
    scores: dict[int, list[tuple[int, str, str | None, tuple[str, str, str] | None]]]  # fy -> rows
    score_files: dict[int, str]  # fy -> path relative to the raw folder


# ---------------------------------------------------------------------------------------------- scores


def _national_means(first: int, last: int) -> dict[int, float]:
    import numpy as np

    from itanb.compare import national_averages

    known = national_averages()  # sorted by fiscal year, as np.interp needs
    years = list(range(first - 1, last + 1))
    means = np.interp(years, known["fiscal_year"], known["national_average"])
    return dict(zip(years, (float(v) for v in means), strict=True))


def _score_matrix(n: int, first: int, last: int, seed: int) -> dict[int, list[str]]:
    """fy -> scores of agencies 1..n as two-decimal strings (the year before ``first`` included, for memos).

    100 - score is log-normal around 100 - the national mean (sigma 0.8), with an agency effect that carries
    over from year to year: this gives pass shares close to the published ones (70% in 2565, 94% in 2568).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    means = _national_means(first, last)
    sigma = 0.8
    agency_effect = rng.standard_normal(n)
    out: dict[int, list[str]] = {}
    for fy in sorted(means):
        z = 0.7 * agency_effect + 0.714 * rng.standard_normal(n)
        gap = (100.0 - means[fy]) * np.exp(sigma * z - sigma**2 / 2)
        scores = np.clip(np.round(100.0 - gap, 2), 0.0, 100.0)
        out[fy] = [f"{s:.2f}" for s in scores]
    return out


def _tools(rnd: random.Random, score: str) -> tuple[str, str, str] | None:
    """IIT, EIT, OIT whose weighted total (0.3/0.3/0.4) is ``score`` within 0.01."""
    total = float(score)
    iit = min(100.0, max(0.0, round(total + rnd.uniform(-6, 6), 2)))
    eit = min(100.0, max(0.0, round(total + rnd.uniform(-6, 6), 2)))
    oit = round((total - 0.3 * iit - 0.3 * eit) / 0.4, 2)
    if not 0.0 <= oit <= 100.0:
        iit = eit = oit = total
    return f"{iit:.2f}", f"{eit:.2f}", f"{oit:.2f}"


def _level(fy: int, score: str, tools: tuple[str, str, str] | None = None) -> str | None:
    from itanb.grading import grade

    iit, eit, oit = tools or (None, None, None)
    return grade(fy, score, iit=iit, eit=eit, oit=oit).level


# ---------------------------------------------------------------------------------------------- memos


def _digits(text: str, thai: bool) -> str:
    return text.translate(THAI_DIGITS) if thai else text


def _date_long(d: dt.date, thai: bool) -> str:
    return _digits(f"{d.day} {MONTHS[d.month - 1]} {d.year + 543}", thai)


def _deadline_text(rnd: random.Random, d: dt.date, thai: bool) -> str:
    style = rnd.random()
    if style < 0.55:
        return _digits(f"{d.day} {MONTHS_SHORT[d.month - 1]} {(d.year + 543) % 100:02d}", thai)
    if style < 0.75:
        return _digits(f"{d.day} {MONTHS_SHORT[d.month - 1]} {d.year + 543}", thai)
    if style < 0.92:
        return _date_long(d, thai)
    return rnd.choice(["ตลอดปีงบประมาณ", "ทุกไตรมาส", "ต่อเนื่อง"])


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _typo(rnd: random.Random, name: str) -> str:
    """A retyped measure name: one or two small edits that a fuzzy match still recognises."""
    if name.startswith("E – Service"):
        return rnd.choice(["E-Service", "E - Service", "E – Service", "E-service"])
    for _ in range(rnd.choice((1, 1, 2))):
        kind = rnd.random()
        if kind < 0.35 and len(name) > 12:  # a stray space inside a word (text copied from a PDF)
            i = rnd.randrange(3, len(name) - 3)
            if name[i].isalpha() and name[i - 1] != " ":
                name = name[:i] + " " + name[i:]
        elif kind < 0.55 and " " in name:  # a missing space
            i = name.index(" ")
            name = name[:i] + name[i + 1:]
        else:  # a look-alike consonant or tone mark
            for a, b in (("ย", "ข"), ("ต", "ท"), ("ศ", "ส"), ("้", "่"), ("บ", "ป"), ("ด", "ต")):
                if a in name and rnd.random() < 0.5:
                    i = name.index(a)
                    name = name[:i] + b + name[i + 1:]
                    break
    return name


def _decompose_sara_am(text: str) -> str:
    return text.replace("ำ", "ํา")


def _separator(rnd: random.Random, columns: int) -> str:
    return "|" + "|".join("-" * rnd.choice((2, 3, 4, 16)) for _ in range(columns)) + "|"


def _split(rnd: random.Random, rows: list, pages: int) -> list[list]:
    """``rows`` cut into ``pages`` consecutive non-empty tables (a table continued on the next page)."""
    pages = max(1, min(pages, len(rows)))
    cuts = sorted(rnd.sample(range(1, len(rows)), pages - 1)) if pages > 1 else []
    bounds = [0, *cuts, len(rows)]
    return [rows[a:b] for a, b in itertools.pairwise(bounds)]


def _plan_tables(rnd: random.Random, rows: list[tuple[str, str, str, str]]) -> list[str]:
    """Markdown plan tables; rows are (measure, steps, owners, deadline). Sometimes the last two swap."""
    swapped = rnd.random() < 0.15
    order = (0, 1, 3, 2) if swapped else (0, 1, 2, 3)
    pages = rnd.choice((1, 2, 2, 3))
    out = []
    for page in _split(rnd, rows, pages):
        lines = ["| " + " | ".join(PLAN_HEADERS[i] for i in order) + " |", _separator(rnd, 4)]
        lines += ["| " + " | ".join(row[i] for i in order) + " |" for row in page]
        out.append("\n".join(lines))
    return out


def _status_tables(rnd: random.Random, rows: list[tuple[str, str, int | None]], mark: str) -> list[str]:
    """Markdown status tables; rows are (measure, steps, status index or None for no mark)."""
    pages = rnd.choice((1, 2, 3, 3))
    out = []
    for page in _split(rnd, rows, pages):
        style = rnd.random()
        if style < 0.15:  # one header row naming the status columns
            lines = ["| มาตรการ | ขั้นตอนหรือวิธีการปฏิบัติ | " + " | ".join(STATUS_HEADERS) + " |",
                     _separator(rnd, 5)]
        else:  # the real layout: a merged "สถานการณ์ดำเนินงาน" header, the status names in the first row
            heads = STATUS_HEADERS if style < 0.65 else (STATUS_HEADERS[0],) * 3  # the real memo's copy error
            lines = ["| มาตรการ | ขั้นตอนหรือวิธีการปฏิบัติ | สถานการณ์ดำเนินงาน |  |  |", _separator(rnd, 5),
                     "|  |  | " + " | ".join(heads) + " |"]
        for measure, steps, status in page:
            cells = ["", "", ""]
            if status is not None:
                cells[status] = mark
            lines.append(f"| {measure} | {steps} | " + " | ".join(cells) + " |")
        out.append("\n".join(lines))
    return out


def _memo(rnd: random.Random, m: SynthMemo, thai: bool, seed: int) -> str:
    name = agency_name(m.number)
    y = m.memo_date.year
    fy_ce = m.fiscal_year - 543
    chosen = rnd.sample(range(len(MEASURES)), m.plan_rows + m.unmatched_status_rows)
    plan_ids, extra_ids = chosen[: m.plan_rows], chosen[m.plan_rows:]
    one_deadline = rnd.random() < 0.6
    common_due = _month_end(fy_ce, rnd.choice((3, 6, 9)))
    plan_rows, status_rows = [], []
    for i in plan_ids:
        measure, steps = MEASURES[i]
        owners = "<br>".join(rnd.sample(OWNERS, rnd.choice((1, 1, 2, 3))))
        month = rnd.randrange(1, 13)
        due = common_due if one_deadline else _month_end(fy_ce - 1 if month >= 10 else fy_ce, month)
        plan_rows.append((("-" if rnd.random() < 0.1 else "") + measure, steps, owners,
                          _deadline_text(rnd, due, thai and rnd.random() < 0.9)))
        status = rnd.choices(range(3), weights=(1, 3, 8) if due <= m.memo_date else (3, 6, 3))[0]
        retyped = _typo(rnd, measure) if rnd.random() < 0.4 else measure
        status_rows.append([retyped, steps.replace("<br>", " "), status])
    for i in extra_ids:  # a status row that matches no plan row
        measure, steps = MEASURES[i]
        status_rows.append([measure, steps, rnd.randrange(3)])
    for row in rnd.sample(status_rows, m.unmarked_rows):
        row[2] = None
    if len(status_rows) > 3 and rnd.random() < 0.1:  # two rows retyped in the other order
        i = rnd.randrange(len(status_rows) - 1)
        status_rows[i], status_rows[i + 1] = status_rows[i + 1], status_rows[i]
    mark = rnd.choice(("/", "/", "/", "✓", "✔", "x", "X"))
    district_again = m.district
    if rnd.random() < 0.03:  # the same memo names the district two ways
        district_again = m.district[:-1] + rnd.choice(PLACE_LETTERS)
    status_tables = _status_tables(rnd, [tuple(r) for r in status_rows], mark)
    if rnd.random() < 0.15:
        status_tables = [_decompose_sara_am(t) for t in status_tables]
    number = _digits(f"สค {m.number % 100000:05d}/{y + 543}", thai)
    assessed = _digits(str(m.assessment_year), thai)
    parts = [
        "\n\n\n# บันทึกข้อความ",
        f"{LABEL}: เอกสารนี้สร้างขึ้นโดย itanb synth seed={seed} ไม่ใช่เอกสารราชการจริง",
        f"ส่วนราชการ... สำนักปลัด {name}.....",
        f"ที่ {number}..... วันที่ {_date_long(m.memo_date, thai)}.....",
        "เรื่อง รายงานการประเมินคุณธรรมและความโปร่งใสภายในหน่วยงาน",
        f"เรียน หัวหน้า{name}",
        f"ตามสำนักปลัด{name} ได้รายงานการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ "
        f"(Integrity and Transparency Assessment : ITA ) ประจำปีงบประมาณ พ.ศ. {assessed} "
        "และได้กำหนดมาตรการการขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใสในหน่วยงานให้ดีขึ้น "
        "ตามรายละเอียดปรากฏตามเอกสารที่แนบมาพร้อมนี้",
        "จึงเรียนมาเพื่อโปรดพิจารณา",
        "(ลงชื่อ)",
        f"({rnd.choice(SIGNERS)})  \nนักจัดการงานทั่วไป",
        "มาตรการเพื่อขับเคลื่อนการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงานให้ดีขึ้น",
        *_plan_tables(rnd, plan_rows),
    ]
    if m.score is not None:
        level = f" อยู่ในระดับ {m.level_reported}" if m.level_reported else ""
        parts.append(
            "ผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ ( Integrity and Transparency "
            f"Assessment : ITA ) ประจำปีงบประมาณ พ.ศ. {assessed} ของ{name} อำเภอ{m.district} "
            f"จังหวัด{m.province} มีค่าคะแนนเท่ากับ {_digits(m.score, thai)} คะแนน{level} "
            f"และเพื่อให้การประเมินในปีงบประมาณ พ.ศ. {_digits(str(m.fiscal_year), thai)} มีค่าคะแนนสูงขึ้น "
            "สำนักปลัด จึงขอรายงานผลการดำเนินการตามมาตรการที่ได้กำหนดไว้ข้างต้น ดังต่อไปนี้")
    parts.append("ผลการดำเนินการตามมาตรการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน "
                 f"ของ{name}  \nอำเภอ{district_again} จังหวัด{m.province}")
    parts += status_tables
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------------------- plan


def plan_synthetic(agencies: int, years: tuple[int, int], seed: int = 0, *,
                   with_text: bool = True, memo_formats: tuple[str, ...] = ("md",)) -> SynthPlan:
    """Everything :func:`write_synthetic` writes, in memory: memos (with their expected counts) and scores.

    ``memo_formats``: the memos' formats, taken in turn (``("md", "docx", "pdf")``: one in three of each);
    ``md`` memos are Markdown (one in seven ``.txt``), the others Word and PDF files of the same text.
    """
    first, last = (int(y) for y in years)
    if agencies < 1 or first > last or not BE_MIN <= first <= BE_MAX:
        raise InputError(f"synthetic data needs agencies >= 1 and years like (2564, 2568) (BE), "
                         f"got agencies={agencies}, years={years}")
    unknown = sorted(set(memo_formats) - set(MEMO_FORMATS)) if memo_formats else ["(none)"]
    if unknown:
        raise InputError(f"unknown memo format(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(MEMO_FORMATS)}")
    rnd = random.Random(seed)
    scores = _score_matrix(agencies, first, last, seed)
    memo_years = list(range(first + 1, last + 1)) or [first]
    memos: list[SynthMemo] = []
    for number in range(1, agencies + 1):
        fy = rnd.choice(memo_years)
        if rnd.random() < 0.15:  # October-December belong to the next fiscal year
            memo_date = dt.date(fy - 544, rnd.randrange(10, 13), rnd.randrange(1, 29))
        else:
            memo_date = dt.date(fy - 543, rnd.randrange(1, 10), rnd.randrange(1, 29))
        province_no = rnd.randrange(len(PROVINCES))
        district = f"สังเคราะห์{PLACE_LETTERS[province_no]}{rnd.choice(PLACE_LETTERS)}"
        score = scores[fy - 1][number - 1]
        level = _level(fy - 1, score)
        if level in LETTERS and rnd.random() < 0.03:  # a wrongly reported level, as in the real memo
            level = rnd.choice([x for x in LETTERS if x != level])
        plan_rows = rnd.randrange(4, 13)
        memos.append(SynthMemo(
            number=number, fiscal_year=fy, memo_date=memo_date, district=district,
            province=PROVINCES[province_no], assessment_year=fy - 1,
            score=None if rnd.random() < 0.02 else score, level_reported=level,
            plan_rows=plan_rows, unmatched_status_rows=1 if rnd.random() < 0.08 else 0,
            unmarked_rows=1 if rnd.random() < 0.05 else 0))
    for m in memos:
        group = f"g{(m.number - 1) // PER_GROUP + 1:03d}"
        fmt = memo_formats[(m.number - 1) % len(memo_formats)]
        ext = f".{fmt}" if fmt != "md" else ".txt" if m.number % 7 == 3 else ".md"
        m.path = f"memos/{group}/{agency_id(m.number)}-ita-measures-memo-{m.fiscal_year}{ext}"
        if with_text:
            thai = rnd.random() < 0.7
            m.text = _memo(random.Random(f"{seed}:{m.number}"), m, thai, seed)
    table_rows: dict[int, list] = {}
    score_files: dict[int, str] = {}
    for i, fy in enumerate(range(first, last + 1)):
        year_rnd = random.Random(f"{seed}:scores:{fy}")
        rows = []
        for number in range(1, agencies + 1):
            if year_rnd.random() < 0.005 and agencies > 20:  # an agency missing from a year's table
                continue
            score = scores[fy][number - 1]
            tools = _tools(year_rnd, score) if fy >= TOOLS_FROM else None
            rows.append((number, score, _level(fy, score, tools), tools))
        table_rows[fy] = rows
        score_files[fy] = f"scores/synthetic-ita-scores-{fy}" + (".xlsx" if i == 2 else ".csv")
    return SynthPlan(agencies, (first, last), seed, memos, table_rows, score_files)


# ---------------------------------------------------------------------------------------------- files


def _score_table(plan: SynthPlan, fy: int, thai_headers: bool) -> tuple[list[str], list[list[str]]]:
    rows = plan.scores[fy]
    tools = any(r[3] for r in rows)
    columns = SCORE_COLUMNS + (TOOL_COLUMNS if tools else [])
    header = [c[1] if thai_headers else c[0] for c in columns]
    source = f"{LABEL} itanb synth seed={plan.seed}"
    body = [[agency_name(n), str(fy), score, level or "", source, *(t or ())] for n, score, level, t in rows]
    if thai_headers:  # the Thai tables put the year first
        header.insert(0, header.pop(1))
        body = [[r[1], r[0], *r[2:]] for r in body]
    return header, body


def _csv_bytes(header: list[str], body: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n" if encoding == "cp874" else "\n")
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue().encode(encoding)


def _xlsx_bytes(header: list[str], body: list[list[str]]) -> bytes:
    """An .xlsx whose bytes depend only on its cells (fixed document dates and zip timestamps)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    fixed = dt.datetime(2000, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    workbook.properties.creator = "itanb synth"
    workbook.properties.title = LABEL
    sheet = workbook.create_sheet("ITA")
    sheet.append(header)
    numeric = {"score", "คะแนน", "iit", "eit", "oit", "IIT", "EIT", "OIT"}
    for row in body:
        sheet.append([float(v) if h in numeric and v else (int(v) if h in ("fiscal_year", "ปีงบประมาณ") else v)
                      for h, v in zip(header, row, strict=True)])
    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"<dcterms:modified([^>]*)>[^<]*<",
                              rb"<dcterms:modified\1>2000-01-01T00:00:00Z<", data)
            fixed_info = zipfile.ZipInfo(info.filename, date_time=XLSX_EPOCH)
            fixed_info.compress_type = zipfile.ZIP_DEFLATED
            fixed_info.external_attr = 0o644 << 16
            dst.writestr(fixed_info, data)
    return out.getvalue()


def _refuse_project_raw(out_dir: Path) -> Path:
    target = out_dir.resolve()
    for raw in {paths.RAW.resolve(), (paths.PROJ_ROOT / "data" / "raw").resolve()}:
        if target == raw or raw in target.parents:
            raise InputError(f"refusing to write synthetic data into the project's raw data folder {raw}; "
                             "choose another --out folder", source=out_dir)
    return target


def memo_bytes(m: SynthMemo, suffix: str) -> bytes:
    """The file of a synthetic memo: its text as UTF-8, or that text laid out as a Word or PDF file (the
    status marks as Wingdings symbols, checkboxes or typed in Word, and as a slash or a symbol font's tick in
    PDF, in turn)."""
    if suffix not in (".docx", ".pdf"):
        return m.text.encode("utf-8")
    from itanb.memo.read_text import read_text

    doc = read_text(m.text, m.path)
    if suffix == ".docx":
        from itanb.memo.write_word import WordStyle, write_docx

        return write_docx(doc, WordStyle(mark=("wingdings", "wingdings2", "checkbox", "text")[m.number % 4]))
    from itanb.memo.write_pdf import PdfStyle, write_pdf

    return write_pdf(doc, PdfStyle(mark=("/", "ü", "P")[m.number % 3]))  # Sarabun has no ✓ glyph


def write_synthetic(out_dir: Path | str, agencies: int, years: tuple[int, int] = (2564, 2568),
                    seed: int = 0, memo_formats: tuple[str, ...] = ("md",)) -> str:
    """Write a SYNTHETIC raw folder (memos/, scores/): ``agencies`` agencies, fiscal ``years`` (first, last).

    Files written before by this function under ``out_dir`` (``synthetic-*``) are replaced, so the folder
    holds exactly one data set. Raises InputError for the project's ``data/raw`` (or anything inside it).
    Returns a one-line summary.
    """
    out = _refuse_project_raw(Path(out_dir))
    plan = plan_synthetic(agencies, years, seed, memo_formats=tuple(memo_formats))
    for sub in ("memos", "scores"):
        folder = out / sub
        if folder.exists():
            for old in sorted(folder.rglob("synthetic-*")):
                if old.is_file():
                    old.unlink()
            for group in sorted(folder.glob("g[0-9][0-9][0-9]")):
                if group.is_dir() and not any(group.iterdir()):
                    shutil.rmtree(group)
    made: set[Path] = set()
    for m in plan.memos:
        path = out / m.path
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(memo_bytes(m, path.suffix))
    (out / "scores").mkdir(parents=True, exist_ok=True)
    rows = 0
    for i, fy in enumerate(sorted(plan.scores)):
        relative = plan.score_files[fy]
        thai_headers = i % 2 == 1
        header, body = _score_table(plan, fy, thai_headers)
        rows += len(body)
        if relative.endswith(".xlsx"):
            data = _xlsx_bytes(header, body)
        else:
            data = _csv_bytes(header, body, "cp874" if thai_headers else "utf-8-sig")
        (out / relative).write_bytes(data)
    first, last = plan.years
    return (f"{LABEL}: wrote {len(plan.memos)} memos and {rows} score rows ({len(plan.scores)} tables) "
            f"for {agencies} agencies, fiscal years {first}-{last}, seed={seed}, into {out}")
