"""itanb: ITA (Integrity and Transparency Assessment) analytics and reports for Thai public agencies."""

__version__ = "0.1.0"
