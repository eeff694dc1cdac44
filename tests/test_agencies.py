"""Agency names: spellings, kinds, ids (romanized, offline), collisions, pinned ids, synthetic agencies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from itanb.agencies import (
    PROVINCE_SLUGS,
    Mention,
    PinnedAgency,
    base_id,
    load_pinned,
    parse_name,
    resolve,
    slugify,
)
from itanb.errors import InputError

KHOK_SA_AT = "องค์การบริหารส่วนตำบลโคกสะอาด"


@pytest.mark.parametrize("spelling", [
    "องค์การบริหารส่วนตำบลโคกสะอาด", "อบต.โคกสะอาด", "อบต. โคกสะอาด", "องค์การบริหารส่วนตำบล โคกสะอาด",
    "อบต โคกสะอาด", " องค์การ บริหารส่วนตำบลโคก สะอาด..... ", "\u200bอบต.โคกสะอาด",
])
def test_spellings_of_one_agency(spelling):
    parsed = parse_name(spelling)
    assert (parsed.kind, parsed.base, parsed.name) == ("อบต.", "โคกสะอาด", KHOK_SA_AT)
    assert base_id(parsed) == "sao-khok-sa-at"


@pytest.mark.parametrize(("spelling", "kind", "name", "agency_id"), [
    ("ทต.บ้านใหม่", "เทศบาลตำบล", "เทศบาลตำบลบ้านใหม่", "tt-ban-mai"),
    ("เทศบาลตำบลบ้านใหม่", "เทศบาลตำบล", "เทศบาลตำบลบ้านใหม่", "tt-ban-mai"),
    ("ทม.กาฬสินธุ์", "เทศบาลเมือง", "เทศบาลเมืองกาฬสินธุ์", "tm-kan-sin"),
    ("เทศบาลนครขอนแก่น", "เทศบาลนคร", "เทศบาลนครขอนแก่น", "tn-khon-kaen"),
    ("ทน. ขอนแก่น", "เทศบาลนคร", "เทศบาลนครขอนแก่น", "tn-khon-kaen"),
    ("อบจ.กาฬสินธุ์", "อบจ.", "องค์การบริหารส่วนจังหวัดกาฬสินธุ์", "pao-kalasin"),
    ("องค์การบริหารส่วนจังหวัดกาฬสินธุ์", "อบจ.", "องค์การบริหารส่วนจังหวัดกาฬสินธุ์", "pao-kalasin"),
    ("จังหวัดกาญจนบุรี", "จังหวัด", "จังหวัดกาญจนบุรี", "prov-kanchanaburi"),
    ("จ.นราธิวาส", "จังหวัด", "จังหวัดนราธิวาส", "prov-narathiwat"),
    ("กรมบัญชีกลาง", "other", "กรมบัญชีกลาง", "agency-krom-ban-chi-klang"),
])
def test_kinds_and_ids(spelling, kind, name, agency_id):
    parsed = parse_name(spelling)
    assert (parsed.kind, parsed.name, base_id(parsed)) == (kind, name, agency_id)


def test_place_inside_the_name():
    parsed = parse_name("อบต.โคกสะอาด อำเภอฆ้องชัย จังหวัดกาฬสินธุ์")
    assert (parsed.name, parsed.district, parsed.province) == (KHOK_SA_AT, "ฆ้องชัย", "กาฬสินธุ์")
    assert parse_name("อบต.โคกสะอาด อ.ฆ้องชัย จ.กาฬสินธุ์").district == "ฆ้องชัย"


def test_synthetic_agencies():
    for spelling in ("หน่วยงานสังเคราะห์ 0001", "หน่วยงานสังเคราะห์ ๐๐๐๑", "หน่วยงานสังเคราะห์0001"):
        parsed = parse_name(spelling)
        assert base_id(parsed) == "synthetic-0001" and parsed.synthetic_no == "0001"
    res = resolve([Mention("หน่วยงานสังเคราะห์ 0042", province="กาฬสินธุ์")])
    assert res.ids == ["synthetic-0042"] and res.agencies[0].synthetic


def test_synthetic_agencies_carry_their_kind():
    """The kind is written after the prefix, so a memo quoting the name keeps it whole; the province of a
    synthetic อบจ. or จังหวัด is where it is said to be, never its name."""
    from itanb.agencies import synthetic_name

    for kind in ("อบต.", "เทศบาลตำบล", "เทศบาลเมือง", "เทศบาลนคร", "อบจ.", "จังหวัด", "other"):
        name = synthetic_name(7, kind)
        parsed = parse_name(name)
        assert (parsed.kind, parsed.name, base_id(parsed), parsed.province) == (kind, name, "synthetic-0007",
                                                                                 None)
    assert synthetic_name(7, "เทศบาลตำบล") == "หน่วยงานสังเคราะห์ ทต. 0007"
    assert parse_name("ทต.หน่วยงานสังเคราะห์ 0007").name == "หน่วยงานสังเคราะห์ ทต. 0007"
    pao = synthetic_name(8, "อบจ.")
    res = resolve([Mention(pao), Mention(pao, district="สังเคราะห์กข", province="สังเคราะห์ก")])
    assert res.ids == ["synthetic-0008"] * 2 and res.findings == []
    assert (res.agencies[0].kind, res.agencies[0].province) == ("อบจ.", "สังเคราะห์ก")


def test_slugs_are_ascii_readable_and_offline():
    for text in ("โคกสะอาด", "นราธิวาส", "บ้านใหม่", "เหนือ", "ป.ป.ช.", "E – Service", "ก" * 200):
        slug = slugify(text)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), (text, slug)
        assert len(slug) <= 60
    assert slugify("บ้านใหม่") == "ban-mai"  # royin alone gives "aim" for ใหม่
    assert len(PROVINCE_SLUGS) == 77


def test_same_name_in_two_provinces_is_told_apart_by_province():
    res = resolve([
        Mention("อบต.โคกสะอาด", "ฆ้องชัย", "กาฬสินธุ์", "memos/a.md"),
        Mention("องค์การบริหารส่วนตำบลโคกสะอาด", None, "ร้อยเอ็ด", "memos/b.md"),
        Mention("อบต.โคกสะอาด จังหวัดร้อยเอ็ด", None, None, "scores/s.csv", 2),
    ])
    assert res.ids == ["sao-khok-sa-at-kalasin", "sao-khok-sa-at-roi-et", "sao-khok-sa-at-roi-et"]
    assert [a.agency_id for a in res.agencies] == ["sao-khok-sa-at-kalasin", "sao-khok-sa-at-roi-et"]


def test_a_name_without_province_joins_the_only_agency_of_that_name():
    res = resolve([Mention("อบต.โคกสะอาด", "ฆ้องชัย", "กาฬสินธุ์", "memos/a.md"),
                   Mention("อบต. โคกสะอาด", source="scores/s.csv", line=2)])
    assert res.ids == ["sao-khok-sa-at", "sao-khok-sa-at"]
    (agency,) = res.agencies
    assert (agency.name, agency.kind, agency.district, agency.province) == \
        (KHOK_SA_AT, "อบต.", "ฆ้องชัย", "กาฬสินธุ์")


def test_ambiguous_name_is_an_error_naming_the_source():
    with pytest.raises(InputError, match=r"scores/s\.csv:7: .*ambiguous"):
        resolve([Mention("อบต.โคกสะอาด", province="กาฬสินธุ์"), Mention("อบต.โคกสะอาด", province="ร้อยเอ็ด"),
                 Mention("อบต.โคกสะอาด", source="scores/s.csv", line=7)])


def test_conflicting_districts_are_a_finding_not_a_choice():
    res = resolve([Mention("อบต.โคกสะอาด", "ฆ้องชัย", "กาฬสินธุ์", "memos/a.md"),
                   Mention("อบต.โคกสะอาด", "เมืองชัย", "กาฬสินธุ์", "memos/b.md")])
    assert res.agencies[0].district is None
    assert [f.code for f in res.findings] == ["location_conflict"]


def test_ids_are_deterministic_whatever_the_order():
    mentions = [Mention("อบต.โคกสะอาด", province="กาฬสินธุ์"), Mention("อบต.โคกสะอาด", province="ร้อยเอ็ด"),
                Mention("ทต.บ้านใหม่"), Mention("จังหวัดกาญจนบุรี")]
    forward = dict(zip([m.province or m.name for m in mentions], resolve(mentions).ids, strict=True))
    backward = dict(zip([m.province or m.name for m in mentions[::-1]], resolve(mentions[::-1]).ids,
                        strict=True))
    assert forward == backward


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_pinned_agencies_win(tmp_path):
    pinned = load_pinned(write(tmp_path / "agencies.csv",
                               "agency_id,name,district,province,aliases\n"
                               "khoksaat,องค์การบริหารส่วนตำบลโคกสะอาด,ฆ้องชัย,กาฬสินธุ์,อบต.โคกสอาด|โคกสะอาด SAO\n"
                               "kanchanaburi,จังหวัดกาญจนบุรี,,,\n"))
    res = resolve([Mention("อบต. โคกสะอาด", "เมืองชัย", "กาฬสินธุ์", "memos/a.md"),
                   Mention("อบต.โคกสอาด", source="scores/s.csv", line=2),
                   Mention("จังหวัดกาญจนบุรี"), Mention("khoksaat")], pinned)
    assert res.ids == ["khoksaat", "khoksaat", "kanchanaburi", "khoksaat"]
    by_id = {a.agency_id: a for a in res.agencies}
    assert by_id["khoksaat"].district == "ฆ้องชัย"  # pinned value, not the memo's
    assert by_id["kanchanaburi"].province == "กาญจนบุรี"


def test_a_derived_id_never_takes_a_pinned_one(tmp_path):
    pinned = load_pinned(write(tmp_path / "agencies.csv", "agency_id,name\nsao-khok-sa-at,อบต.อื่น\n"))
    res = resolve([Mention("อบต.โคกสะอาด", province="กาฬสินธุ์")], pinned)
    assert res.ids == ["sao-khok-sa-at-kalasin"]


@pytest.mark.parametrize(("text", "pattern"), [
    ("agency_id,name\nSAO Khok,อบต.โคกสะอาด\n", r"agencies\.csv:2: agency_id 'SAO Khok' must be"),
    ("agency_id,name\na,อบต.ก\na,อบต.ข\n", r"agencies\.csv:3: agency_id a already used at line 2"),
    ("agency_id,name,colour\na,อบต.ก,red\n", r"agencies\.csv:1: agencies table needs columns"),
    ("agency_id,name\na,\n", r"agencies\.csv:2: agency a has no name"),
])
def test_bad_agencies_csv(tmp_path, text, pattern):
    with pytest.raises(InputError, match=pattern):
        load_pinned(write(tmp_path / "agencies.csv", text), source="agencies.csv")


@pytest.mark.parametrize("spelling", [
    "อบต.หนองน\u0e49\u0e4d\u0e32ใส",  # decomposed sara am, the tone mark first
    "อบต.หนองน\u0e4d\u0e49\u0e32ใส",  # ... between nikhahit and sara aa (as in memo matching)
    "อบต.\u00a0หนองน้ำใส",  # a no-break space
    "อบต..หนองน้ำใส",  # a doubled dot
])
def test_name_spellings_normalised_as_in_matching(spelling):
    assert parse_name(spelling).key == parse_name("องค์การบริหารส่วนตำบลหนองน้ำใส").key


# ------------------------------------------------------------------ a copy out of a PDF that lost its sara am


def test_a_name_that_lost_its_sara_am_keeps_its_kind_and_province():
    """ตาบล/อาเภอ/ลาปาง (a PDF copy without the nikhahit) read as ตำบล/อำเภอ/ลำปาง."""
    lost = parse_name("องค์การบริหารส่วนตาบลท่าน้า อาเภอเมือง จังหวัดลาปาง")
    assert (lost.kind, lost.district, lost.province) == ("อบต.", "เมือง", "ลำปาง")
    assert parse_name("เทศบาลตาบลบ้านใหม่").name == "เทศบาลตำบลบ้านใหม่"
    assert parse_name("อบต.ท่าน้า").key == parse_name("อบต. ท่าน้ำ").key


def test_mentions_that_lost_their_sara_am_resolve_to_one_agency_spelt_in_full():
    r = resolve([Mention("องค์การบริหารส่วนตาบลท่าน้า", province="ลาปาง", source="memo.pdf"),
                 Mention("อบต.ท่าน้ำ", district="เมืองลำปาง", province="ลำปาง", source="scores.csv"),
                 Mention("อบต.ท่าน้า", district="เมืองลาปาง", source="memo2.pdf")])
    (agency,) = r.agencies
    assert r.ids == [agency.agency_id] * 3
    assert agency.name == "องค์การบริหารส่วนตำบลท่าน้ำ"  # the spelling that kept its sara am
    assert (agency.district, agency.province) == ("เมืองลำปาง", "ลำปาง")
    assert not r.findings  # ลาปาง and ลำปาง are one province, not a conflict
    assert agency.agency_id == resolve([Mention("อบต.ท่าน้ำ")]).agencies[0].agency_id


def test_a_pinned_agency_is_found_under_a_spelling_that_lost_its_sara_am():
    pinned = [PinnedAgency("sao-tha-nam-lampang", "องค์การบริหารส่วนตำบลท่าน้ำ", None, "ลำปาง")]
    r = resolve([Mention("อบต.ท่าน้า จังหวัดลาปาง")], pinned)
    assert r.ids == ["sao-tha-nam-lampang"]
