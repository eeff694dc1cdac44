"""The names of SYNTHETIC data (label, agencies, places) and the plan's records: what every other synth module
shares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

LABEL = "ข้อมูลสังเคราะห์ (SYNTHETIC)"
MEMO_FORMATS = ("md", "docx", "pdf")  # what write_synthetic can write memos as
AGENCY_PREFIX = "หน่วยงานสังเคราะห์"
PER_GROUP = 500  # memos per sub-folder of memos/
# Place names are synthetic too: a letter after "สังเคราะห์", so no real province is misdescribed.
PLACE_LETTERS = "กขคงจฉชซญฎฐดตถทธนบปผพฟภมยรลวศสหอฮ"
PROVINCES = [f"สังเคราะห์{c}" for c in PLACE_LETTERS[:20]]

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

