"""Errors raised on bad input: one base class, one line per problem naming the file and the field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a dotted field path, or "" for the whole file) and why."""

    field: str
    message: str

    def render(self, source: str) -> str:
        where = f"{source}: " if source else ""
        return f"{where}{self.field}: {self.message}" if self.field else f"{where}{self.message}"


class RoiError(Exception):
    """Base for every error this package raises because an input is wrong (never for our own bugs)."""

    def __init__(self, problems: Iterable[Problem], source: str = "") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One line per problem, each naming the source and the field."""
        return [p.render(self.source) for p in self.problems]


class ScenarioError(RoiError):
    """A scenario file, upload or override breaks a rule of the scenario format."""


class CIImportError(RoiError):
    """A CI-history export cannot be read or yields no usable runs."""
