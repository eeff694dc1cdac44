"""Mentions of agencies (memos, score rows) resolved to one agency each, pinned agencies (``agencies.csv``)
winning; ids made unique; places agreed."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from itanb.agencies.names import (
    ParsedName,
    base_id,
    better_spelling,
    is_valid_id,
    normalize_text,
    nospace,
    parse_name,
    place_key,
    province_slug,
)
from itanb.errors import InputError
from itanb.findings import Finding
from itanb.thai import (
    decode_thai_text,
)
from itanb.vocabulary import (
    KIND_PAO,
    KIND_PROV,
)


@dataclass(frozen=True)
class Agency:
    agency_id: str
    name: str
    kind: str
    district: str | None
    province: str | None
    synthetic: bool = False


@dataclass(frozen=True)
class PinnedAgency:
    agency_id: str
    name: str
    district: str | None
    province: str | None
    aliases: tuple[str, ...] = ()
    source: str = "agencies.csv"
    line: int | None = None


@dataclass(frozen=True)
class Mention:
    """An agency named somewhere in the raw data (a memo, a score-table row)."""

    name: str
    district: str | None = None
    province: str | None = None
    source: str = ""
    line: int | None = None


@dataclass
class Resolution:
    agencies: list[Agency]  # sorted by agency_id
    ids: list[str]  # agency_id of each mention, in the order given
    findings: list[Finding] = field(default_factory=list)



def _cell(row: dict, key: str) -> str | None:
    value = normalize_text(row.get(key) or "")
    return value or None


def load_pinned(path: Path, *, source: str | None = None, data: bytes | None = None) -> list[PinnedAgency]:
    """Read ``agencies.csv`` (agency_id, name required; district, province, aliases, source optional).

    ``source`` names the file in errors; ``data``: its bytes, for a caller that already read them. The
    table's own ``source`` column cites where the pinned facts come from; it is for the reader, not used here.
    """
    where = source or path.name
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", source=where) from None
    reader = csv.DictReader(io.StringIO(decode_thai_text(data, where=where).text, newline=""))
    header = {normalize_text(h).lower(): h for h in (reader.fieldnames or []) if h is not None}
    allowed = {"agency_id", "name", "district", "province", "aliases", "source"}
    missing = {"agency_id", "name"} - header.keys()
    unknown = header.keys() - allowed
    if missing or unknown:
        raise InputError(
            f"agencies table needs columns agency_id, name (optional: district, province, aliases, source); "
            f"found {', '.join(reader.fieldnames or []) or 'no header'}", source=where, line=1)
    pinned: list[PinnedAgency] = []
    seen: dict[str, int] = {}
    for raw_row in reader:
        line = reader.line_num
        row = {k: raw_row.get(h) for k, h in header.items()}
        if not any((v or "").strip() for v in row.values()):
            continue
        agency_id, name = (row.get("agency_id") or "").strip(), _cell(row, "name")
        if not is_valid_id(agency_id):
            raise InputError(f"agency_id {agency_id!r} must be lowercase ASCII letters, digits and '-'",
                             source=where, line=line)
        if agency_id in seen:
            raise InputError(f"agency_id {agency_id} already used at line {seen[agency_id]}",
                             source=where, line=line)
        if not name:
            raise InputError(f"agency {agency_id} has no name", source=where, line=line)
        seen[agency_id] = line
        aliases = tuple(a for a in (normalize_text(x) for x in (row.get("aliases") or "").split("|")) if a)
        pinned.append(PinnedAgency(agency_id, name, _cell(row, "district"), _cell(row, "province"),
                                   aliases, where, line))
    return pinned


def _same_place(a: str | None, b: str | None) -> bool:
    return a is None or b is None or place_key(a) == place_key(b)


def _parse(text: str, source: str, line: int | None) -> ParsedName:
    try:
        return parse_name(text)
    except ValueError as exc:
        raise InputError(str(exc), source=source, line=line) from None


def resolve(mentions: Sequence[Mention], pinned: Iterable[PinnedAgency] = ()) -> Resolution:
    """Resolve every mention to one agency; returns the agencies and the agency_id of each mention.

    Raises InputError when a name without a province fits agencies in several provinces, or when a name
    fits several pinned agencies.
    """
    pinned = list(pinned)
    parsed = [_parse(m.name, m.source, m.line) for m in mentions]
    places = [_places_of(m, p) for m, p in zip(mentions, parsed, strict=True)]
    owner = _pinned_owners(mentions, parsed, places, pinned)
    _unpinned_owners(mentions, parsed, places, owner)
    identities = sorted({o for o in owner if isinstance(o, tuple)}, key=lambda t: (t[0], t[1], t[2] or ""))
    sample: dict[tuple, ParsedName] = {}
    for p, o in zip(parsed, owner, strict=True):
        if isinstance(o, tuple) and (o not in sample
                                     or better_spelling(sample[o].name, p.name) != sample[o].name):
            sample[o] = p
    ids = _assign_ids(identities, sample, {p.agency_id for p in pinned})
    mention_ids = [o.agency_id if isinstance(o, PinnedAgency) else ids[o] for o in owner]
    seen = _seen_places(mentions, places, mention_ids)
    findings: list[Finding] = []
    agencies: list[Agency] = []
    for p in pinned:
        pn = _parse(p.name, p.source, p.line)
        agencies.append(Agency(p.agency_id, p.name, pn.kind,
                               p.district or _agreed(seen, p.agency_id, "district", findings),
                               p.province or _agreed(seen, p.agency_id, "province", findings),
                               pn.synthetic_no is not None))
    for ident in identities:
        pn, agency_id = sample[ident], ids[ident]
        agencies.append(Agency(agency_id, pn.name, pn.kind, _agreed(seen, agency_id, "district", findings),
                               _agreed(seen, agency_id, "province", findings), pn.synthetic_no is not None))
    agencies.sort(key=lambda a: a.agency_id)
    return Resolution(agencies, mention_ids, findings)


def _places_of(m: Mention, p: ParsedName) -> tuple[str | None, str | None]:
    """(district, province) of a mention: given beside the name, else read from it."""
    province = normalize_text(m.province) if m.province else p.province
    if p.kind in (KIND_PROV, KIND_PAO) and p.synthetic_no is None:  # a synthetic one: where it is said
        province = p.base
    district = normalize_text(m.district) if m.district else p.district
    return district, province


def _pinned_owners(mentions: Sequence[Mention], parsed: list[ParsedName],
                   places: list[tuple[str | None, str | None]], pinned: list[PinnedAgency]) -> list[object]:
    """The pinned agency of each mention (by its agency_id, or its name or an alias in the same province),
    None where no pinned agency fits."""
    by_key: dict[tuple[str, str], list[PinnedAgency]] = defaultdict(list)
    pinned_ids = {p.agency_id: p for p in pinned}
    for p in pinned:
        for key in {_parse(n, p.source, p.line).key for n in {p.name, *p.aliases}}:
            by_key[key].append(p)
    owner: list[object] = []
    for m, p, (_, province) in zip(mentions, parsed, places, strict=True):
        if m.name.strip() in pinned_ids:
            owner.append(pinned_ids[m.name.strip()])
            continue
        candidates = [c for c in by_key.get(p.key, []) if _same_place(c.province, province)]
        if len(candidates) > 1:
            raise InputError(f"agency {m.name!r} fits several pinned agencies "
                             f"({', '.join(c.agency_id for c in candidates)}); add the province to the name",
                             source=m.source, line=m.line)
        owner.append(candidates[0] if candidates else None)
    return owner


def _unpinned_owners(mentions: Sequence[Mention], parsed: list[ParsedName],
                     places: list[tuple[str | None, str | None]], owner: list[object]) -> None:
    """Unpinned mentions get an identity (kind, base key, province key), in ``owner``: one per name and
    province; a mention without a province joins the only identity of its name, and is ambiguous when there
    are several."""
    provinces_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p, (_, province), o in zip(parsed, places, owner, strict=True):
        if o is None and province:
            provinces_of[p.key].add(place_key(province))
    for i, (p, (_, province), o) in enumerate(zip(parsed, places, owner, strict=True)):
        if o is not None:
            continue
        known = provinces_of[p.key]
        if province:
            owner[i] = (p.kind, p.key[1], place_key(province))
        elif len(known) <= 1:
            owner[i] = (p.kind, p.key[1], next(iter(known), None))
        else:
            m = mentions[i]
            raise InputError(
                f"agency {m.name!r} is ambiguous: there is one in each of {', '.join(sorted(known))}; "
                f"write the province in the name (…จังหวัดX) or pin it in raw/agencies.csv",
                source=m.source, line=m.line)


# agency_id -> "district"|"province" -> place key -> (its best spelling, the first mention that gave it)
_Seen = dict[str, dict[str, dict[str, tuple[str, Mention]]]]


def _seen_places(mentions: Sequence[Mention], places: list[tuple[str | None, str | None]],
                 ids: list[str]) -> _Seen:
    """Every district and province the mentions give each agency, under its key (:func:`_place_key`)."""
    seen: _Seen = defaultdict(lambda: {"district": {}, "province": {}})
    for m, (district, province), agency_id in zip(mentions, places, ids, strict=True):
        for what, value in (("district", district), ("province", province)):
            if value:
                mine = seen[agency_id][what]
                key, shown = place_key(value), nospace(value)
                first = mine.get(key)
                mine[key] = (shown, m) if first is None else (better_spelling(first[0], shown), first[1])
    return seen


def _agreed(seen: _Seen, agency_id: str, what: str, findings: list[Finding]) -> str | None:
    """The district or province all of an agency's mentions agree on; None (and a ``location_conflict``
    in ``findings``) when they name several, None when they name none."""
    values = seen[agency_id][what]
    if len(values) == 1:
        return next(iter(values.values()))[0]
    if len(values) > 1:
        first = next(iter(values.values()))[1]
        label = "อำเภอ" if what == "district" else "จังหวัด"
        shown = sorted(v for v, _ in values.values())
        findings.append(Finding("location_conflict",
                                f"ระบุ{label}ของหน่วยงานไม่ตรงกัน: {', '.join(shown)} "
                                f"(ไม่เลือกค่าใดค่าหนึ่ง)", first.source, first.line, agency_id))
    return None


def _assign_ids(identities: list[tuple], sample: dict[tuple, ParsedName],
                taken: set[str]) -> dict[tuple, str]:
    """Deterministic ids: the base id when unique, else base id + province, else a counter."""
    groups: dict[str, list[tuple]] = defaultdict(list)
    for ident in identities:
        groups[base_id(sample[ident])].append(ident)
    ids: dict[tuple, str] = {}
    used = set(taken)
    for bid in sorted(groups):
        members = groups[bid]
        if len(members) == 1 and bid not in used:
            ids[members[0]] = bid
            used.add(bid)
            continue
        for ident in members:  # identities are sorted, so the counter below is deterministic
            province = ident[2]
            candidate = f"{bid}-{province_slug(province)}" if province else bid
            n = 2
            unique = candidate
            while unique in used:
                unique = f"{candidate}-{n}"
                n += 1
            ids[ident] = unique
            used.add(unique)
    return ids
