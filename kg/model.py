"""The plain data that flows between stages. Frozen, so no stage changes what it was given.

Entities are named by *keys* such as ``state/PAK`` or ``person/ana-petrova``: the IRI of a
thing is the configured base followed by its key (see ``kg.iri``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date at the precision the text gives: a year, a month, a day, or a day without a year."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    def literal(self) -> tuple[str, str]:
        """The lexical form and XSD datatype name (``date``, ``gYearMonth``, ``gYear``, ``gMonthDay``)."""
        if self.year is not None and self.month is not None and self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}", "date"
        if self.year is not None and self.month is not None:
            return f"{self.year:04d}-{self.month:02d}", "gYearMonth"
        if self.year is not None:
            return f"{self.year:04d}", "gYear"
        if self.month is not None and self.day is not None:
            return f"--{self.month:02d}-{self.day:02d}", "gMonthDay"
        raise ValueError("a date needs at least a year, or a month and a day")

    @property
    def precision(self) -> int:
        return sum(part is not None for part in (self.year, self.month, self.day))

    def agrees_with(self, other: PartialDate) -> bool:
        """True when nothing the two dates both give differs."""
        pairs = ((self.year, other.year), (self.month, other.month), (self.day, other.day))
        return all(a is None or b is None or a == b for a, b in pairs)

    @classmethod
    def of(cls, day: dt.date) -> PartialDate:
        return cls(day.year, day.month, day.day)


@dataclass(frozen=True)
class Article:
    """One article after ingest: body text with boilerplate removed, and what its header says."""

    id: str
    path: str
    text: str
    content_hash: str
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    dateline: str | None = None
    dateline_date: PartialDate | None = None  # the date a dateline gives, perhaps without a year ("Sept. 14")
    notes: tuple[str, ...] = ()  # what a reader should know about how the file was read


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """A name of a known thing in a sentence: ``role`` says how it was named."""

    key: str
    surface: str
    start: int
    end: int
    sentence: int
    role: str = "name"  # name | demonym | capital | official


@dataclass(frozen=True)
class Official:
    key: str
    name: str
    titles: tuple[str, ...]
    sentence: int
    state: str | None = None
    party: str | None = None
    works_for: str | None = None


@dataclass(frozen=True)
class Entity:
    """A thing minted from the text rather than taken from reference data (a ministry, a working group, a venue)."""

    key: str
    label: str
    kind: str  # GovernmentBody | WorkingGroup | Place | InternationalOrganisation
    sentence: int
    part_of: str | None = None
    located_in: str | None = None
    parties: tuple[str, ...] = ()
    alt_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Meeting:
    local: str
    label: str
    sentences: tuple[int, ...]
    status: str = "held"  # held | planned
    body: str | None = None
    ordinal: int | None = None
    date: PartialDate | None = None
    planned_date: PartialDate | None = None
    place: str | None = None
    host: str | None = None
    chair: str | None = None
    participants: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    heads: tuple[str, ...] = ()
    threats: tuple[str, ...] = ()
    forums: tuple[str, ...] = ()
    next: str | None = None
    named_parties: int | None = None


@dataclass(frozen=True)
class Attack:
    local: str
    name: str
    sentences: tuple[int, ...]
    place: str | None = None
    near: str | None = None
    date: PartialDate | None = None
    killed: int | None = None
    killed_qualifier: str | None = None
    injured: int | None = None
    injured_qualifier: str | None = None
    claimed_by: tuple[str, ...] = ()
    denied_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Threat:
    group: str
    state: str
    sentence: int


@dataclass(frozen=True)
class Extraction:
    """Everything read from one article; the input of linking and mapping."""

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...] = ()
    officials: tuple[Official, ...] = ()
    entities: tuple[Entity, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    attacks: tuple[Attack, ...] = ()
    threats: tuple[Threat, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def sentence_text(self, index: int) -> str:
        return self.sentences[index].text
