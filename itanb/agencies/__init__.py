"""Agency names -> one agency with a kind, a base name and a stable, readable ASCII ``agency_id``.

The same agency is written many ways: องค์การบริหารส่วนตำบลโคกสะอาด, อบต.โคกสะอาด, อบต. โคกสะอาด,
"องค์การบริหารส่วนตำบล โคกสะอาด". :func:`parse_name` reduces each spelling to ``(kind, base)``; the
``agency_id`` is a kind prefix plus the base romanized syllable by syllable (PyThaiNLP, engine "royin",
offline): ``sao-khok-sa-at``. Provinces use their official English names (``prov-kanchanaburi``), kept in a
table below.

Two different agencies whose ids would collide (the same tambon name in two provinces) are told apart by the
province: ``sao-khok-sa-at-kalasin``. Ids therefore depend on which agencies are known; pin them with an
optional ``raw/agencies.csv`` (agency_id, name, district, province, aliases separated by ``|``): pinned
entries win over anything derived here.

The package by job: ``names`` (a spelling -> kind, base, id), ``resolve`` (mentions -> agencies, pinned ids).
Import from ``itanb.agencies``.
"""

from __future__ import annotations

from itanb.agencies.names import (
    PROVINCE_SLUGS,
    SYNTHETIC_PREFIX,
    ParsedName,
    base_id,
    better_spelling,
    is_valid_id,
    normalize_text,
    nospace,
    parse_name,
    place_key,
    province_slug,
    slugify,
    synthetic_name,
)
from itanb.agencies.resolve import (
    Agency,
    Mention,
    PinnedAgency,
    Resolution,
    load_pinned,
    resolve,
)

__all__ = [
    "PROVINCE_SLUGS",
    "SYNTHETIC_PREFIX",
    "Agency",
    "Mention",
    "ParsedName",
    "PinnedAgency",
    "Resolution",
    "base_id",
    "better_spelling",
    "is_valid_id",
    "load_pinned",
    "normalize_text",
    "nospace",
    "parse_name",
    "place_key",
    "province_slug",
    "resolve",
    "slugify",
    "synthetic_name",
]
