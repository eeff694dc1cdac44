"""The names of SYNTHETIC data (label, agencies, places) and the plan's records: what every other synth module
shares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from itanb.agencies import SYNTHETIC_PREFIX, synthetic_name
from itanb.vocabulary import KIND_OTHER

LABEL = "ข้อมูลสังเคราะห์ (SYNTHETIC)"
MEMO_FORMATS = ("md", "docx", "pdf")  # what write_synthetic can write memos as
AGENCY_PREFIX = SYNTHETIC_PREFIX
PER_GROUP = 500  # memos per sub-folder of memos/
# Place names are synthetic too: a letter after "สังเคราะห์", so no real province is misdescribed.
PLACE_LETTERS = "กขคงจฉชซญฎฐดตถทธนบปผพฟภมยรลวศสหอฮ"
PROVINCES = [f"สังเคราะห์{c}" for c in PLACE_LETTERS[:20]]


def agency_name(number: int, kind: str = KIND_OTHER) -> str:
    """The Thai name of synthetic agency ``number`` (1-based) of ``kind``: ``หน่วยงานสังเคราะห์ อบต. 0001``
    (``หน่วยงานสังเคราะห์ 0001`` for kind other; :func:`itanb.agencies.synthetic_name`)."""
    return synthetic_name(number, kind)


def agency_id(number: int) -> str:
    """The agency_id that ``itanb.agencies`` gives a synthetic agency: ``synthetic-0001``."""
    return f"synthetic-{number:04d}"


@dataclass
class SynthMemo:
    """What one synthetic memo says (before the layout and the defects are applied)."""

    number: int
    kind: str  # the agency's kind (itanb.vocabulary.AGENCY_KINDS)
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
class SynthScore:
    """One row of a synthetic score table."""

    number: int  # the agency
    score: str  # the total, two decimals ("87.57")
    level: str | None  # the level computed from the total and the tools (None: not one level)
    parts: dict[str, str]  # tool and indicator scores by name (iit, eit | eit1 eit2, oit, i1..i10); {} before
    # the years with weights


@dataclass
class SynthPlan:
    agencies: int
    years: tuple[int, int]
    seed: int
    memos: list[SynthMemo]
    scores: dict[int, list[SynthScore]]  # fy -> rows
    score_files: dict[int, str]  # fy -> path relative to the raw folder
    kinds: list[str] = field(default_factory=list)  # the kind of agency n at n - 1
    kinds_source: str = ""  # where the mix of kinds comes from (a URL and where in it)
    mismatches: list[tuple[int, int]] = field(default_factory=list)  # (fy, agency) rows with an altered i1

    def kind_of(self, number: int) -> str:
        return self.kinds[number - 1]

