"""The project's words are defined once, in itanb.vocabulary, and every module uses those."""

import ast
from pathlib import Path

import pytest

from itanb import vocabulary
from itanb.findings import CODES

PACKAGE = Path(vocabulary.__file__).parent
OWN = ("STATUSES", "STATUS_LABELS", "NO_STATUS_LABEL", "FINDING_LABELS", "AGENCY_KINDS", "AGENCY_ID_RE",
       "BE_MIN", "BE_MAX")


def test_every_finding_code_has_one_thai_label():
    assert set(vocabulary.FINDING_LABELS) == set(CODES)
    assert len(set(vocabulary.FINDING_LABELS.values())) == len(CODES)


def test_one_thai_wording_per_status_in_the_memo_form_order():
    assert vocabulary.STATUSES == ("not_started", "in_progress", "done")
    assert list(vocabulary.STATUS_LABELS) == list(vocabulary.STATUSES)
    assert vocabulary.STATUS_LABELS["done"] == "ดำเนินงานเสร็จแล้ว"


@pytest.mark.parametrize("text, ok", [("sao-khok-sa-at", True), ("synthetic-12", True), ("Sao-x", False),
                                      ("sao--x", False), ("ก", False), ("a" * 121, False)])
def test_agency_id_shape(text, ok):
    assert vocabulary.is_agency_id(text) is ok


def _assigned_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def test_no_other_module_defines_the_vocabulary_again():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "vocabulary.py":
            continue
        again = _assigned_names(path) & set(OWN)
        # views extends STATUS_LABELS with the unmarked label; that is a use, checked by value below
        again -= {"STATUS_LABELS"} if path.relative_to(PACKAGE).as_posix() == "views/format.py" else set()
        where = path.relative_to(PACKAGE)
        assert not again, f"{where} defines {sorted(again)}: import it from itanb.vocabulary"


def test_views_status_labels_are_the_vocabulary():
    from itanb import views

    assert {k: v for k, v in views.STATUS_LABELS.items() if k} == vocabulary.STATUS_LABELS
    assert views.STATUS_LABELS[None] == vocabulary.NO_STATUS_LABEL


def test_one_thai_wording_per_status_in_the_package():
    """No other wording of a status (e.g. ดำเนินการแล้ว for done) in the code, notebooks or templates: each
    is spelled once, in itanb.vocabulary."""
    from pathlib import Path

    import itanb

    variants = ("ดำเนินการแล้ว", "อยู่ระหว่างดำเนินการ", "ยังไม่ดำเนินการ", "ดำเนินการเสร็จ")
    package = Path(itanb.__file__).parent
    found = [f"{p.relative_to(package)}: {v}" for p in sorted(package.rglob("*"))
             if p.suffix in {".py", ".ipynb", ".j2", ".css", ".csv"}
             for v in variants if v in p.read_text(encoding="utf-8")]
    assert found == []
