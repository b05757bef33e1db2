"""A career conversation logged by the manager (F5), its experiments, and a skipped cycle. No Slack, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final

from bot.career.cadence import ConversationKind, ExperimentKind, Outcome

MAX_EXPERIMENTS: Final = 3  # rows in the log modal; a conversation agrees a few experiments, not a project plan
MAX_NOTES: Final = 3000
MAX_WHAT: Final = 300
MAX_SKIP_REASON: Final = 500


@dataclass(frozen=True)
class ExperimentForm:
    """One experiment row of the log modal, as typed (every field may be empty)."""

    kind: ExperimentKind | None = None
    what: str = ""
    ends_on: date | None = None

    @property
    def empty(self) -> bool:
        return self.kind is None and not self.what.strip() and self.ends_on is None


@dataclass(frozen=True)
class ConversationForm:
    """The log modal, as typed."""

    held_on: date | None = None
    notes: str = ""
    notes_shared: bool = False
    next_in_months: int | None = None
    experiments: list[ExperimentForm] = field(default_factory=list)


@dataclass(frozen=True)
class Experiment:
    id: int
    kind: ExperimentKind
    what: str
    ends_on: date
    manager_outcome: Outcome | None = None
    report_outcome: Outcome | None = None


@dataclass(frozen=True)
class Conversation:
    """A conversation held, or a cycle skipped, on a reporting line."""

    id: int
    line_id: int
    kind: ConversationKind
    held_on: date
    notes: str
    notes_shared: bool
    skip_reason: str
    next_in_months: int
    experiments: list[Experiment] = field(default_factory=list)
