"""Reporting lines and who may see an employee's answers (DESIGN.md §4 Privacy). No Slack, no SQL.

A line links a report to a manager. It starts *pending* and becomes *active* only once the other
party confirms; a report has at most one active manager. The plan and reflections are visible to
the employee, and to the manager of their active line while the employee shares with that line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

CADENCE_MIN_MONTHS = 3
CADENCE_MAX_MONTHS = 6
# Longest management chain walked when looking for a cycle; deeper chains are not real orgs.
MAX_CHAIN = 1000


class LineStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    ENDED = "ended"
    DECLINED = "declined"


class RequestedBy(StrEnum):
    REPORT = "report"  # `/careerplan manager @m`: the report asked; the manager confirms
    MANAGER = "manager"  # `/careerplan add @r`: the manager asked; the report consents
    ADMIN = "admin"  # `careerplan import-managers`: active from the start


# Nobody can use the bot to pester someone: after a decline, the same request waits a week, and one person has
# at most a few requests waiting for answers at a time.
DECLINE_COOLDOWN: Final = timedelta(days=7)
MAX_OPEN_REQUESTS: Final = 5


class EndReason(StrEnum):
    DECLINED = "declined"
    REPLACED = "replaced"  # the report confirmed another manager
    SUPERSEDED = "superseded"  # a pending request overtaken by an active line for the same pair
    UNDELIVERED = "undelivered"  # Slack would not deliver the request to the invited person
    LEFT = "left"  # the report or the manager left the workspace (their Slack account was deactivated)


@dataclass(frozen=True)
class Line:
    """A reporting line, people named by their Slack user ids."""

    id: int
    team_id: str
    report: str
    manager: str
    status: LineStatus
    requested_by: RequestedBy
    started_on: date | None
    cadence_months: int
    shared: bool
    next_due_on: date | None = None  # the next career conversation's due date, while active
    last_held_on: date | None = None  # the last conversation held on this line

    @property
    def invited(self) -> str:
        """Who must confirm a pending line: the party that did not ask."""
        return self.manager if self.requested_by is RequestedBy.REPORT else self.report

    @property
    def requester(self) -> str:
        return self.report if self.requested_by is RequestedBy.REPORT else self.manager


def may_see_answers(viewer: str, employee: str, line: Line | None) -> bool:
    """Whether `viewer` may read `employee`'s plan and reflections; `line` is the employee's active line."""
    if viewer == employee:
        return True
    return (
        line is not None
        and line.status is LineStatus.ACTIVE
        and line.report == employee
        and line.manager == viewer
        and line.shared
    )


def makes_cycle(report: str, manager: str, manager_of: Callable[[str], str | None]) -> bool:
    """Whether making `manager` manage `report` closes a loop (A→B→A, or longer)."""
    if report == manager:
        return True
    seen: set[str] = set()
    current: str | None = manager
    for _ in range(MAX_CHAIN):
        current = manager_of(current) if current is not None else None
        if current is None or current in seen:
            return False
        if current == report:
            return True
        seen.add(current)
    return False


def check_cadence(months: int) -> None:
    if not CADENCE_MIN_MONTHS <= months <= CADENCE_MAX_MONTHS:
        raise ValueError(f"cadence must be {CADENCE_MIN_MONTHS} to {CADENCE_MAX_MONTHS} months, not {months}")
