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
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from itanb.errors import InputError
from itanb.findings import Finding
from itanb.thai import (
    ZERO_WIDTH_CHARS,
    compose_sara_am,
    decode_thai_text,
    fold_sara_am,
    sara_am_restorer,
    to_arabic_digits,
)
from itanb.vocabulary import (
    AGENCY_KINDS,
    KIND_ABBREVIATIONS,
    KIND_OTHER,
    KIND_PAO,
    KIND_PROV,
    is_agency_id,
)

# Spellings of a kind at the start of a name, matched on the name with its spaces removed. Longest first:
# องค์การบริหารส่วนจังหวัด must win over จังหวัด.
_LONG_PREFIXES: tuple[tuple[str, str], ...] = tuple(sorted(
    ((long, kind) for kind, (long, _) in AGENCY_KINDS.items() if long), key=lambda p: -len(p[0])))
# Abbreviations need a dot or a space after them (ทต is also the start of ordinary words).
_ABBREVIATIONS = KIND_ABBREVIATIONS
_ABBREV_RE = re.compile(r"^(" + "|".join(sorted(KIND_ABBREVIATIONS, key=len, reverse=True))
                        + r")\s*(?:\.\s*|\s+)(?=\S)")
SYNTHETIC_PREFIX = "หน่วยงานสังเคราะห์"  # every synthetic agency's name starts so (itanb.synth)
_KIND_ABBREVIATION = {kind: abbr for abbr, kind in KIND_ABBREVIATIONS.items()}
# หน่วยงานสังเคราะห์ 0001, or with its kind: หน่วยงานสังเคราะห์ อบต. 0001 (see synthetic_name)
_SYNTHETIC_RE = re.compile(rf"^{SYNTHETIC_PREFIX}\s*(?:({'|'.join(KIND_ABBREVIATIONS)})\s*\.\s*)?(\d+)$")
_DISTRICT_RE = re.compile(r"(?:\s*อำเภอ\s*|\s+อ\.\s*)(\S+)")
_PROVINCE_RE = re.compile(r"(?:\s*จังหวัด\s*|\s+จ\.\s*)(\S+)")
_INVISIBLE = dict.fromkeys(map(ord, ZERO_WIDTH_CHARS))
_LEADER = re.compile(r"\.{2,}|…+")  # two dots already (thai.tidy needs three): "อบต..โคกสะอาด" is a typo
_MAX_SLUG = 60

# Official English names of the provinces (Royal Thai General System as used by the government); the
# syllable-by-syllable romanization of these is much less readable (กาญจนบุรี -> kay-chon-bu-ri).
PROVINCE_SLUGS: dict[str, str] = {
    "กรุงเทพมหานคร": "bangkok", "กระบี่": "krabi", "กาญจนบุรี": "kanchanaburi", "กาฬสินธุ์": "kalasin",
    "กำแพงเพชร": "kamphaeng-phet", "ขอนแก่น": "khon-kaen", "จันทบุรี": "chanthaburi",
    "ฉะเชิงเทรา": "chachoengsao", "ชลบุรี": "chon-buri", "ชัยนาท": "chai-nat", "ชัยภูมิ": "chaiyaphum",
    "ชุมพร": "chumphon", "เชียงราย": "chiang-rai", "เชียงใหม่": "chiang-mai", "ตรัง": "trang", "ตราด": "trat",
    "ตาก": "tak", "นครนายก": "nakhon-nayok", "นครปฐม": "nakhon-pathom", "นครพนม": "nakhon-phanom",
    "นครราชสีมา": "nakhon-ratchasima", "นครศรีธรรมราช": "nakhon-si-thammarat", "นครสวรรค์": "nakhon-sawan",
    "นนทบุรี": "nonthaburi", "นราธิวาส": "narathiwat", "น่าน": "nan", "บึงกาฬ": "bueng-kan",
    "บุรีรัมย์": "buri-ram", "ปทุมธานี": "pathum-thani", "ประจวบคีรีขันธ์": "prachuap-khiri-khan",
    "ปราจีนบุรี": "prachin-buri", "ปัตตานี": "pattani", "พระนครศรีอยุธยา": "phra-nakhon-si-ayutthaya",
    "พะเยา": "phayao", "พังงา": "phang-nga", "พัทลุง": "phatthalung", "พิจิตร": "phichit",
    "พิษณุโลก": "phitsanulok", "เพชรบุรี": "phetchaburi", "เพชรบูรณ์": "phetchabun", "แพร่": "phrae",
    "ภูเก็ต": "phuket", "มหาสารคาม": "maha-sarakham", "มุกดาหาร": "mukdahan", "แม่ฮ่องสอน": "mae-hong-son",
    "ยโสธร": "yasothon", "ยะลา": "yala", "ร้อยเอ็ด": "roi-et", "ระนอง": "ranong", "ระยอง": "rayong",
    "ราชบุรี": "ratchaburi", "ลพบุรี": "lop-buri", "ลำปาง": "lampang", "ลำพูน": "lamphun", "เลย": "loei",
    "ศรีสะเกษ": "si-sa-ket", "สกลนคร": "sakon-nakhon", "สงขลา": "songkhla", "สตูล": "satun",
    "สมุทรปราการ": "samut-prakan", "สมุทรสงคราม": "samut-songkhram", "สมุทรสาคร": "samut-sakhon",
    "สระแก้ว": "sa-kaeo", "สระบุรี": "saraburi", "สิงห์บุรี": "sing-buri", "สุโขทัย": "sukhothai",
    "สุพรรณบุรี": "suphan-buri", "สุราษฎร์ธานี": "surat-thani", "สุรินทร์": "surin", "หนองคาย": "nong-khai",
    "หนองบัวลำภู": "nong-bua-lam-phu", "อ่างทอง": "ang-thong", "อำนาจเจริญ": "amnat-charoen",
    "อุดรธานี": "udon-thani", "อุตรดิตถ์": "uttaradit", "อุทัยธานี": "uthai-thani",
    "อุบลราชธานี": "ubon-ratchathani",
}

# words holding a sara am that PDF copies lose (ตาบล, อาเภอ, ลาปาง), given back by normalize_text
_restore_sara_am = sara_am_restorer([*(long for long, _ in AGENCY_KINDS.values() if long), "ตำบล", "อำเภอ",
                                     *PROVINCE_SLUGS])


@dataclass(frozen=True)
class ParsedName:
    """One spelling of an agency name, reduced. ``name`` is the canonical full Thai name."""

    kind: str
    base: str  # without the kind, without spaces for local administrations (โคกสะอาด)
    name: str
    district: str | None = None  # from "... อำเภอX" inside the name
    province: str | None = None  # from "... จังหวัดX" inside the name, or the base of a จังหวัด/อบจ.
    synthetic_no: str | None = None  # "0001" of หน่วยงานสังเคราะห์ 0001

    @property
    def key(self) -> tuple[str, str]:
        """(kind, base) as compared: a base that lost its sara am (ท่าน้า) is the same as ท่าน้ำ."""
        return (self.kind, fold_sara_am(self.base))


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


def normalize_text(text: str) -> str:
    """Tidy a name for matching: invisible characters, decomposed sara am, Thai digits, spaces, dots, and the
    sara am a PDF copy lost in a kind, อำเภอ or a province (องค์การบริหารส่วนตาบล, อาเภอ, ลาปาง).

    Spaces and case are kept (unlike :func:`itanb.thai.normalize_for_matching`): the kind is told by them.
    """
    text = _restore_sara_am(to_arabic_digits(compose_sara_am(text.translate(_INVISIBLE))))
    return " ".join(_LEADER.sub(" ", text).split())  # split() also takes no-break spaces


def _nospace(text: str) -> str:
    return "".join(text.split())


def _place_key(text: str) -> str:
    """A district or province as compared: no spaces, a lost sara am tolerated (ท่าน้า is ท่าน้ำ)."""
    return fold_sara_am(_nospace(text))


def _better_spelling(a: str, b: str) -> str:
    """Of two spellings of one name, the one that kept its sara am (ท่าน้ำ over ท่าน้า); else the first."""
    return b if b.count("\u0e33") > a.count("\u0e33") else a


@lru_cache(maxsize=65536)
def parse_name(text: str) -> ParsedName:
    """Reduce one spelling of an agency name to its kind and base name.

    >>> parse_name("อบต. โคกสะอาด").name
    'องค์การบริหารส่วนตำบลโคกสะอาด'
    """
    clean = normalize_text(text)
    if not clean:
        raise ValueError("empty agency name")
    kind, rest = KIND_OTHER, clean
    match = _ABBREV_RE.match(clean)
    if match:
        kind, rest = _ABBREVIATIONS[match.group(1)], clean[match.end():]
    else:
        squeezed = _nospace(clean)
        for long_form, long_kind in _LONG_PREFIXES:
            if squeezed.startswith(long_form):
                kind, rest = long_kind, _strip_prefix(clean, long_form)
                break
    district = province = None
    if kind not in (KIND_PROV, KIND_PAO, KIND_OTHER):
        found = _PROVINCE_RE.search(rest)
        if found:
            province, rest = found.group(1), rest[: found.start()] + rest[found.end():]
        found = _DISTRICT_RE.search(rest)
        if found:
            district, rest = found.group(1), rest[: found.start()] + rest[found.end():]
    rest = rest.strip()
    synthetic = _SYNTHETIC_RE.match(rest)
    if synthetic:
        return _synthetic(synthetic, kind, district, province)
    base = rest if kind == KIND_OTHER else _nospace(rest)
    if not base:
        raise ValueError(f"agency name {text!r} has a kind but no name")
    if kind in (KIND_PROV, KIND_PAO):
        province = base
    long_form = AGENCY_KINDS[kind][0]
    name = long_form + base if long_form else base
    return ParsedName(kind, base, name, district, province)


def synthetic_name(number: int | str, kind: str = KIND_OTHER) -> str:
    """The name of synthetic agency ``number`` of ``kind``: ``หน่วยงานสังเคราะห์ อบต. 0001``
    (``หน่วยงานสังเคราะห์ 0001`` for kind other). The kind is written after the prefix, as its
    abbreviation, so that a memo quoting the name keeps it whole (a memo reads ``อบต.X`` as a Thai name X)."""
    abbreviation = _KIND_ABBREVIATION.get(kind)
    number = number if isinstance(number, str) else f"{number:04d}"
    return f"{SYNTHETIC_PREFIX} {abbreviation}. {number}" if abbreviation else f"{SYNTHETIC_PREFIX} {number}"


def _synthetic(match: re.Match[str], kind: str, district: str | None, province: str | None) -> ParsedName:
    """A synthetic agency: known by its number; its kind from the name (``หน่วยงานสังเคราะห์ ทต. 0002``
    or ``ทต.หน่วยงานสังเคราะห์ 0002``); its province only from where it is said to be, never from the name."""
    if match.group(1):
        kind = KIND_ABBREVIATIONS[match.group(1)]
    number = match.group(2)
    return ParsedName(kind, f"{SYNTHETIC_PREFIX} {number}", synthetic_name(number, kind), district, province,
                      number)


def _strip_prefix(text: str, long_form: str) -> str:
    """``text`` without its leading ``long_form`` (which may have stray spaces inside it)."""
    return _PREFIX_RES[long_form].sub("", text, count=1).strip()


_PREFIX_RES = {long: re.compile(r"^" + r"\s*".join(map(re.escape, long))) for long, _ in _LONG_PREFIXES}


# Royin drops the consonant after a leading vowel + silent ห (ใหม่ -> "aim", เหนือ -> "enue"); ห นำ is not
# written in RTGS, so romanize the syllable without it.
_LEADING_HO_RE = re.compile(r"^([เแโใไ])ห([งญนมยรลว])")


@lru_cache(maxsize=65536)
def slugify(text: str) -> str:
    """Thai (or mixed) text -> lowercase ASCII syllables joined by '-' (โคกสะอาด -> khok-sa-at)."""
    from pythainlp.tokenize import syllable_tokenize
    from pythainlp.transliterate import romanize

    parts: list[str] = []
    for syllable in syllable_tokenize(normalize_text(text), engine="dict"):
        token = syllable.strip()
        if not token:
            continue
        if not token.isascii():
            token = romanize(_LEADING_HO_RE.sub(r"\1\2", token), engine="royin")
        parts.extend(p for p in re.split(r"[^a-z0-9]+", token.lower()) if p)
    slug = "-".join(parts)
    if len(slug) > _MAX_SLUG:
        slug = slug[:_MAX_SLUG].rsplit("-", 1)[0]
    if not slug:
        slug = "x" + hashlib.sha1(text.encode()).hexdigest()[:8]
    return slug


def province_slug(province: str) -> str:
    base = _nospace(normalize_text(province))
    base = base.removeprefix("จังหวัด") or base
    return PROVINCE_SLUGS.get(base) or slugify(base)


def base_id(parsed: ParsedName) -> str:
    """The agency_id before any disambiguation."""
    if parsed.synthetic_no is not None:
        return f"synthetic-{parsed.synthetic_no}"
    prefix = AGENCY_KINDS[parsed.kind][1]
    if parsed.kind in (KIND_PROV, KIND_PAO):
        return f"{prefix}-{province_slug(parsed.base)}"
    return f"{prefix}-{slugify(parsed.base)}"


def is_valid_id(agency_id: str) -> bool:
    return is_agency_id(agency_id)


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
    return a is None or b is None or _place_key(a) == _place_key(b)


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
                                     or _better_spelling(sample[o].name, p.name) != sample[o].name):
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
            provinces_of[p.key].add(_place_key(province))
    for i, (p, (_, province), o) in enumerate(zip(parsed, places, owner, strict=True)):
        if o is not None:
            continue
        known = provinces_of[p.key]
        if province:
            owner[i] = (p.kind, p.key[1], _place_key(province))
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
                key, shown = _place_key(value), _nospace(value)
                first = mine.get(key)
                mine[key] = (shown, m) if first is None else (_better_spelling(first[0], shown), first[1])
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
