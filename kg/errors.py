"""Errors that the library raises, each saying what went wrong, where, and what to do.

KgError
 +-- InputError        an article that cannot be read (file, line or offset)
 +-- ResourceError     a data file of the project (ontology, gazetteer, query) is missing or broken
 +-- UsageError        a command given options that do not fit together
"""

from __future__ import annotations


class KgError(Exception):
    """Base class of every error the library raises on purpose."""


class InputError(KgError):
    """An input file that cannot be read as an article."""

    def __init__(self, path: str, problem: str, *, line: int | None = None, hint: str = "") -> None:
        self.path = path
        self.problem = problem
        self.line = line
        self.hint = hint
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}" + (f" ({hint})" if hint else ""))


class ResourceError(KgError):
    """A project data file (ontology, shapes, reference data, patterns) is missing or malformed."""


class UsageError(KgError):
    """Options that do not fit together, or an unknown format."""
