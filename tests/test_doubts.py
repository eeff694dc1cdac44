"""Which value a scan's doubtful word belongs to (itanb/memo/doubts.py), on a hand-made document: the
fictional memo's text read into the document model, its rows given the sides a scanned page's grid gives
them (``Loc.top``/``Loc.bottom``), and doubts placed in chosen rows. No tesseract: the scans themselves are
read in tests/test_ocr.py (slow)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from itanb.memo.document import Doubt, Table
from itanb.memo.read import read_document
from itanb.memo.semantics import interpret

MEMO = Path(__file__).parent / "fixtures" / "memo_formats" / "nong-ruea-2567.md"
PNG = "data:image/png;base64,iVBORw0KGgo="  # stands for a picture (only carried, never decoded here)
ROW = 20.0  # points: the height given to each table row (row with seq n spans n*ROW .. n*ROW + ROW)


def scanned(doubts: list[tuple[int, str]]):
    """The memo as if read off a one-page scan (every line of the file a paragraph or row ROW high), with a
    doubt of each (seq, text) in the middle of that paragraph or table row."""
    doc = read_document(MEMO.read_bytes(), "memos/scan.pdf", ".md")
    for block in doc.blocks:
        for part in block.rows if isinstance(block, Table) else [block]:
            part.loc = replace(part.loc, page=1, top=part.loc.seq * ROW, bottom=part.loc.seq * ROW + ROW)
    doc.scanned = True
    doc.doubts = [Doubt(text, 1, (100.0, seq * ROW + 5, 130.0, seq * ROW + 15), 0.4, PNG + str(seq))
                  for seq, text in doubts]
    return doc


@pytest.fixture(scope="module")
def rows() -> dict[str, int]:
    """The seq of the rows the test puts doubts in: each measure's plan row and status row, a header."""
    memo = interpret(scanned([]))
    out = {f"plan {m.no}": m.line for m in memo.measures}
    out |= {f"status {m.no}": m.status_line for m in memo.measures}
    assert len(set(out.values())) == 6 and None not in out.values()
    out["status labels"] = out["status 1"] - 1
    return out


def test_a_deadline_is_doubtful_by_the_words_of_its_own_row(rows):
    """๓๐ is part of measure 1's deadline (๓๐ ก.ย. ๖๗) and of measure 3's (๓๐ มิ.ย. ๖๗): a doubt in measure 3's
    row flags measure 3 alone; a doubtful mark flags the status of the measure whose status row holds it,
    a doubtful mark in no measure's row is still a finding (without a field)."""
    memo = interpret(scanned([(rows["plan 3"], "๓๐"), (rows["plan 2"], "๓๑"), (rows["status 1"], "✓"),
                              (rows["status labels"], "✓")]))
    uncertain = [f for f in memo.findings if f.code == "ocr_uncertain"]
    assert sorted(str(f.field) for f in uncertain) == ["None", "measures[1].status", "measures[2].due",
                                                       "measures[3].due"]
    by_field = {f.field: f for f in uncertain}
    assert by_field["measures[3].due"].image == PNG + str(rows["plan 3"])
    assert by_field["measures[1].status"].image == PNG + str(rows["status 1"])
    assert by_field["measures[2].due"].places == "หน้า 1" and by_field["measures[2].due"].source.endswith(
        ", page 1")
    assert set(memo.uncertain) == {"measures[1].status", "measures[2].due", "measures[3].due"}
    out = memo.to_json_dict()
    assert out["measures"][2]["uncertain"] == {"due": {"page": 1, "read": "๓๐", "confidence": 0.4,
                                                       "image": PNG + str(rows["plan 3"])}}
    assert set(out["measures"][0]["uncertain"]) == {"status"} and "uncertain" not in out
    assert [f["field"] for f in out["findings"] if f["code"] == "ocr_uncertain" and "field" in f] == [
        f.field for f in uncertain if f.field]


def test_a_memo_read_from_text_has_no_uncertain_value(rows):
    doc = scanned([(rows["plan 2"], "๓๑")])
    doc.scanned = False
    memo = interpret(doc)
    assert memo.uncertain == {} and not [f for f in memo.findings if f.code == "ocr_uncertain"]
    assert all("uncertain" not in m for m in memo.to_json_dict()["measures"])


def test_a_memo_value_is_pictured_by_a_doubt_in_its_own_paragraph():
    """๘ and ๒๘ are doubtful in the fictional-data line (3) too, which comes first: the score is pictured by
    the ๘ of its own paragraph (13), the memo date by the ๒๘ of the date's line (7), the measures' fiscal
    year by the ๒๕๖๗ of the subject (9)."""
    memo = interpret(scanned([(3, "๘"), (3, "๒๘"), (3, "๒๕๖๗"), (7, "๒๘"), (9, "๒๕๖๗"), (13, "๘")]))
    assert {name: memo.uncertain[name].image for name in ("score", "memo_date", "fiscal_year")} == {
        "score": PNG + "13", "memo_date": PNG + "7", "fiscal_year": PNG + "9"}


def test_a_scanned_score_out_of_its_reported_level_is_uncertain():
    """A digit misread (๙๓.๓๑ as ๓๓.๓๑) moves a scan's score out of the level (AA-F) the memo reports: the
    score is an ocr_uncertain finding, never silently wrong; a score within its level is none."""
    from itanb.synth.plan import plan_synthetic

    # SYNTHETIC: a FY2565 memo whose score paragraph reads "... เท่ากับ ๙๓.๓๑ คะแนน อยู่ในระดับ A ..."
    text = next(m.text for m in plan_synthetic(4, (2565, 2567), seed=11).memos if "๙๓.๓๑" in m.text)
    for score, year, flagged in (("๙๓.๓๑", "๒๕๖๕", False), ("๓๓.๓๑", "๒๕๖๕", True), ("๓๓.๓๑", "๒๕๖๖", True)):
        # the year read one too many: the scheme is then 2566's, whose levels are words; A is still ≥ 85
        read = text.replace("๙๓.๓๑", score).replace("ประมาณ พ.ศ. ๒๕๖๕ ของ", f"ประมาณ พ.ศ. {year} ของ")
        doc = read_document(read.encode(), "memos/scan.pdf", ".md")
        doc.scanned = True
        memo = interpret(doc)
        assert memo.assessment.level_reported == "A"
        assert ("score" in {f.field for f in memo.findings if f.code == "ocr_uncertain"}) == flagged
