"""The text of one SYNTHETIC memo: the layout of the real memo with its defects (see :mod:`itanb.synth`)."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import random

from itanb.synth.names import LABEL, PLACE_LETTERS, SynthMemo, agency_name
from itanb.vocabulary import STATUS_LABELS, STATUSES

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
          "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
MONTHS_SHORT = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.",
                "ธ.ค."]
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


def _measure_rows(rnd: random.Random, m: SynthMemo, thai: bool) -> tuple[list[tuple], list[list]]:
    """(plan rows (measure, steps, owners, deadline), status rows [measure, steps, status index | None]):
    retyped names, a status row that matches no plan row, rows without a mark, two rows swapped."""
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
    return plan_rows, status_rows


def memo_text(rnd: random.Random, m: SynthMemo, thai: bool, seed: int) -> str:
    """The Markdown text of memo ``m`` (``thai``: Thai digits), drawn from ``rnd``."""
    name = agency_name(m.number, m.kind)
    y = m.memo_date.year
    plan_rows, status_rows = _measure_rows(rnd, m, thai)
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


