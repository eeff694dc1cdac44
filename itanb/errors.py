"""One base exception for the package. The CLI turns any ItanbError into one line and exit status 2."""

from __future__ import annotations

from pathlib import Path


class ItanbError(Exception):
    """A problem with the user's input or data, worth one readable line (no traceback)."""

    def __init__(self, message: str, *, source: str | Path | None = None, line: int | None = None):
        self.message = message
        self.source = str(source) if source is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.source:
            where = self.source + (f":{self.line}" if self.line else "") + ": "
        return where + self.message

    def _render_traceback_(self) -> list[str]:
        """IPython shows this instead of a traceback: a notebook stops with one readable line."""
        return [f"{type(self).__name__}: {self}"]


class InputError(ItanbError):
    """A raw input file (memo, score table, agencies list) that cannot be read as what it claims to be."""


class SchemaError(ItanbError):
    """A processed table whose columns, dtypes or keys are not what its loader documents."""


class ParameterError(ItanbError):
    """A bad parameter: an unknown agency, a year with no data, a malformed value."""


class NotApplicable(ParameterError):
    """Good parameters for an output that does not apply to them (a Word draft for an agency without any
    score to analyse): an error when asked for by name, skipped (and said) among many."""
