"""The kzvote/1 file format, declared once.

The loader walks YAML nodes against these declarations; nothing else spells out which keys exist.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

FORMAT_VERSION = "kzvote/1"
STAGES = ("preliminary", "final")
SOURCE_STAGES = ("exit-poll", "preliminary", "final")
# The percentage bases, declared once: what `percent_of` (and `percent_of_<base>`) may name.
BASE_NAMES = {
    "valid": "valid votes",  # every candidate + against all
    "cast": "ballots cast",  # issued to voters: the turnout
    "registered": "registered voters",
    "in_boxes": "ballots in the boxes",  # found in them: valid + blank + invalid
}
PERCENT_BASES = BASE_KINDS = tuple(BASE_NAMES)
ROUNDING_RULES = ("nearest", "truncate")


class Kind(enum.Enum):
    TEXT = "text"
    COUNT = "count"  # whole number >= 0, written as plain digits
    PERCENT = "percent"  # 0-100; its written decimals are its precision
    DATE = "date"  # ISO date
    DATETIME = "datetime"  # ISO date, or date and time
    CHOICE = "choice"  # one of Field.choices
    TEXT_LIST = "text list"
    COUNT_MAP = "count map"  # name -> count
    RECORD = "record"  # mapping with Field.fields
    RECORD_LIST = "record list"  # list of mappings with Field.fields
    RECORD_MAP = "record map"  # name -> mapping with Field.fields


# Limits of the format. 10^15 votes is 100,000 times the world's population; commissions publish
# 1 to 4 decimals. Anything longer is a slip or an attack, and would make exact arithmetic slow.
MAX_COUNT_DIGITS = 15
MAX_PERCENT_DECIMALS = 10


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    required: bool = False
    doc: str = ""
    choices: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    min_items: int = 0
    pattern: str = ""  # for TEXT: a regular expression the whole value must match
    below_100: bool = False  # for PERCENT: 100 itself is not allowed
    minimum: int = 0  # for COUNT: the smallest value allowed
    noun: str = "votes"  # for COUNT: what it counts, for messages ("a whole number of votes")

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _region_figures() -> tuple[Field, ...]:
    return (
        Field("registered", Kind.COUNT, doc="voters on the lists"),
        Field("ballots_cast", Kind.COUNT, doc="voters who received a ballot (took part)"),
        Field("invalid_ballots", Kind.COUNT, doc="ballots declared invalid"),
        Field("blank_ballots", Kind.COUNT, doc="blank ballots, counted apart from invalid ones (not valid votes)"),
        Field("ballots_in_boxes", Kind.COUNT, doc="ballots found in the ballot boxes (valid + blank + invalid)"),
        Field("turnout_percent", Kind.PERCENT, doc="turnout as published"),
        Field("polling_stations", Kind.COUNT, doc="number of polling stations"),
    )


ELECTION = Field(
    "election",
    Kind.RECORD,
    required=True,
    fields=(
        Field("title", Kind.TEXT, required=True),
        Field("country", Kind.TEXT, required=True),
        Field("date", Kind.DATE, required=True, doc="election day, ISO date"),
        Field("authority", Kind.TEXT, doc="who published the results"),
        Field("stage", Kind.CHOICE, required=True, choices=STAGES),
        Field("announced", Kind.DATE, doc="when these results were announced"),
        Field(
            "correction",
            Kind.TEXT,
            doc="why this version lowers a count of a final result (kzvote diff then does not flag it)",
        ),
        Field(
            "percent_of",
            Kind.CHOICE,
            required=True,
            choices=PERCENT_BASES,
            doc="what published candidate percentages are shares of: valid (all candidates + against all), "
            "cast (ballots cast), registered (voters on the lists) or in_boxes (ballots found in the boxes)",
        ),
        Field(
            "majority_percent",
            Kind.PERCENT,
            doc="elected outright with MORE than this share of the base (default 50; below 100)",
            below_100=True,
        ),
        Field("round", Kind.COUNT, doc="which round these results are (1, the default; 2 for a runoff)", minimum=1, noun="rounds"),
        Field(
            "rounding",
            Kind.CHOICE,
            choices=ROUNDING_RULES,
            doc="how the commission shortened percentages: nearest (the default; 2.596 -> 2.60) or truncate (cut: 73.2296 -> 73.22)",
        ),
    ),
)

TURNOUT = Field(
    "turnout",
    Kind.RECORD,
    required=True,
    fields=tuple(Field(f.name, f.kind, required=f.name in ("registered", "ballots_cast"), doc=f.doc) for f in _region_figures()),
)

# Beside `percent` (a share of election.percent_of), a choice may carry its share of other bases.
SHARES = tuple(Field(f"percent_of_{kind}", Kind.PERCENT, doc=f"its published share of {kind} too") for kind in PERCENT_BASES)

CANDIDATE = (
    Field("name", Kind.TEXT, required=True),
    Field("nominated_by", Kind.TEXT),
    Field("votes", Kind.COUNT, required=True),
    Field("percent", Kind.PERCENT, doc="as published"),
    *SHARES,
    Field("aliases", Kind.TEXT_LIST, doc="other spellings of the name"),
)

REPORTED_CHOICE = (Field("votes", Kind.COUNT), Field("percent", Kind.PERCENT))

SOURCE = (
    Field("id", Kind.TEXT, required=True, doc="unique, lower-case letters, digits and -", pattern="[a-z0-9][a-z0-9-]*"),
    Field("publisher", Kind.TEXT, required=True),
    Field("title", Kind.TEXT),
    Field("published", Kind.DATETIME, required=True, doc="date, or date and time (2022-11-22T12:07)"),
    Field("url", Kind.TEXT),
    Field("stage", Kind.CHOICE, choices=SOURCE_STAGES),
    Field(
        "reported",
        Kind.RECORD,
        doc="the figures as the outlet printed them; any subset",
        fields=(
            Field("turnout", Kind.RECORD, fields=_region_figures()),
            Field("candidates", Kind.RECORD_MAP, fields=REPORTED_CHOICE, doc="candidate name or alias -> figures"),
            Field("against_all", Kind.RECORD, fields=REPORTED_CHOICE),
            Field("regions", Kind.RECORD_MAP, fields=_region_figures(), doc="region name -> figures"),
        ),
    ),
)

RESULTS = Field(
    "results",
    Kind.RECORD,
    required=True,
    fields=(
        Field("format", Kind.CHOICE, required=True, choices=(FORMAT_VERSION,)),
        ELECTION,
        TURNOUT,
        Field("candidates", Kind.RECORD_LIST, required=True, fields=CANDIDATE, min_items=1),
        Field(
            "against_all",
            Kind.RECORD,
            doc='the "against all" line: counts as valid, never wins',
            fields=(Field("votes", Kind.COUNT, required=True), Field("percent", Kind.PERCENT), *SHARES),
        ),
        Field(
            "regions",
            Kind.RECORD_LIST,
            doc="optional, may be partial",
            fields=(
                Field("name", Kind.TEXT, required=True),
                *_region_figures(),
                Field("votes", Kind.COUNT_MAP, doc="candidate name (or against_all) -> votes in this region"),
            ),
        ),
        Field("sources", Kind.RECORD_LIST, fields=SOURCE, doc="what each outlet reported, for kzvote sources"),
        Field("stations", Kind.TEXT, doc="polling-station CSV for kzvote audit, relative to this file"),
    ),
)
