"""itanb: ITA (Integrity and Transparency Assessment) analytics and reports for Thai public agencies.

The functions an analyst needs in a notebook are here, imported on first use (``import itanb`` stays cheap):

- :func:`load_tables` (``itanb.store``): the processed tables (agencies, assessments, measures, findings, ...)
- :func:`find_agencies` (``itanb.explore``): agencies by Thai or ASCII text: agency_id, name, kind, district,
  province
- :func:`year_over_year` (``itanb.compare``): one agency's record, one row per fiscal year
- :func:`portfolio` (``itanb.compare``): a fiscal year's ranking (``.ranking``) of all agencies or a
  province's (``province=``) or district's, with the distribution of levels and the changes
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {"load_tables": "itanb.store", "find_agencies": "itanb.explore", "year_over_year": "itanb.compare",
         "portfolio": "itanb.compare"}
__all__ = ["__version__", "find_agencies", "load_tables", "portfolio", "year_over_year"]


def __getattr__(name: str):
    """A name of :data:`_LAZY`, imported from its module when first asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'itanb' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
