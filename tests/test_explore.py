"""The analyst's API on one page: ``import itanb`` is cheap and gives the functions the README's "Explore in a
notebook" uses; ``find_agencies`` / ``itanb agencies [TEXT]`` find an agency by Thai or ASCII text."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import run_cli

from itanb.explore import AGENCY_COLUMNS, find_agencies


def test_import_itanb_imports_nothing_until_a_function_is_used():
    code = ("import sys, itanb; before = {m for m in sys.modules if m.startswith(('itanb.', 'pandas'))}; "
            "f = itanb.find_agencies; print(sorted(before), f.__module__, sorted(itanb.__all__))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("]", 1)[0] == "["  # nothing of itanb's modules or pandas before the first use
    assert "itanb.explore" in done.stdout
    for name in ("load_tables", "find_agencies", "year_over_year", "portfolio"):
        assert f"'{name}'" in done.stdout


def test_an_unknown_name_is_an_attribute_error():
    import itanb

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        itanb.nope  # noqa: B018


@pytest.mark.parametrize("text", ["โคกสะอาด", "อบต.โคกสะอาด", "องค์การบริหารส่วนตำบล โคกสะอาด", "KHOK",
                                  "kalasin", "กาฬสินธุ์", "จังหวัดกาฬสินธุ์", "อ.ฆ้องชัย", "โคกสอาด",
                                  "sao-khok-sa-ad"])
def test_find_an_agency_by_thai_or_ascii_text(shipped_tables, text):
    found = find_agencies(text, shipped_tables)
    assert list(found.columns) == list(AGENCY_COLUMNS)
    assert list(found["agency_id"]) == ["sao-khok-sa-at"]
    assert found.iloc[0].to_dict() == {"agency_id": "sao-khok-sa-at", "name": "องค์การบริหารส่วนตำบลโคกสะอาด",
                                       "kind": "อบต.", "district": "ฆ้องชัย", "province": "กาฬสินธุ์"}


def test_every_agency_without_text_and_none_for_nonsense(shipped_tables):
    every = find_agencies(None, shipped_tables)
    assert sorted(every["agency_id"]) == sorted(shipped_tables.agencies["agency_id"])
    assert every["province"].is_monotonic_increasing
    assert find_agencies("xyzzy", shipped_tables).empty


def test_itanb_agencies_lists_ids_names_and_places(shipped_processed):
    done = run_cli("agencies", "กาฬสินธุ์", "--processed", shipped_processed)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["agency_id\tname\tdistrict\tprovince",
                                        "sao-khok-sa-at\tองค์การบริหารส่วนตำบลโคกสะอาด\tฆ้องชัย\tกาฬสินธุ์"]
    every = run_cli("agencies", "--processed", shipped_processed)
    assert len(every.stdout.splitlines()) == 1 + 3
    assert "prov-narathiwat\tจังหวัดนราธิวาส\t-\tนราธิวาส" in every.stdout
    none = run_cli("agencies", "xyzzy", "--processed", shipped_processed)
    assert (none.returncode, none.stdout) == (1, "")
    assert none.stderr.count("\n") == 1 and "no agency matches 'xyzzy'" in none.stderr
