"""One spelling of an agency name -> its kind, base name and readable ASCII id (see :mod:`itanb.agencies`)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from itanb.thai import (
    ZERO_WIDTH_CHARS,
    compose_sara_am,
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



def normalize_text(text: str) -> str:
    """Tidy a name for matching: invisible characters, decomposed sara am, Thai digits, spaces, dots, and the
    sara am a PDF copy lost in a kind, อำเภอ or a province (องค์การบริหารส่วนตาบล, อาเภอ, ลาปาง).

    Spaces and case are kept (unlike :func:`itanb.thai.normalize_for_matching`): the kind is told by them.
    """
    text = _restore_sara_am(to_arabic_digits(compose_sara_am(text.translate(_INVISIBLE))))
    return " ".join(_LEADER.sub(" ", text).split())  # split() also takes no-break spaces


def nospace(text: str) -> str:
    return "".join(text.split())


def place_key(text: str) -> str:
    """A district or province as compared: no spaces, a lost sara am tolerated (ท่าน้า is ท่าน้ำ)."""
    return fold_sara_am(nospace(text))


def better_spelling(a: str, b: str) -> str:
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
        squeezed = nospace(clean)
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
    base = rest if kind == KIND_OTHER else nospace(rest)
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
    base = nospace(normalize_text(province))
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
