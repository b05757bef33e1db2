"""When career conversations are due, and which nudge goes out when (DESIGN.md §4). Pure: no Slack, no SQL.

A reporting line's first conversation is due 30 days after it starts; after one is held, the next is
due `held_on + months` (3–6, the line's cadence unless the manager chose otherwise); skipping a cycle
moves the next due date one cadence from the skip. Month arithmetic is `relativedelta`'s, so
Jan 31 + 1 month is the last day of February.

Each due date has a fixed list of *stages*, each sent on its own local day: *first month* on the day a
new line starts, *due soon* `lead_days` before the due date, then up to three *overdue* reminders, a week
apart after the due date. The scheduler keeps one date per line, `next_nudge_on`, the first stage day not
handled yet; `next_stage` says what to send today and moves that date on. Only the latest stage whose day
has come is sent, so stages missed while the bot was down collapse into one nudge rather than a burst.

Days are local to the manager (their Slack time zone); a nudge goes out only inside their working hours,
checked on the instant itself, so a daylight-saving change neither shifts nor doubles one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta

FIRST_CONVERSATION_DAYS: Final = 30
OVERDUE_EVERY_DAYS: Final = 7
MAX_OVERDUE_REMINDERS: Final = 3
SNOOZE: Final = timedelta(days=7)
# A claimed nudge not recorded as sent within this time is taken to be lost (its sweeper crashed) and is
# claimed again. It must outlast one send with all of slack_sdk's retries (timeouts and Retry-After waits).
CLAIM_LEASE: Final = timedelta(minutes=5)
RETRY_FIRST: Final = timedelta(minutes=5)
RETRY_MAX: Final = timedelta(hours=6)


class NudgeKind(StrEnum):
    FIRST_MONTH = "first_month"
    DUE_SOON = "due_soon"
    OVERDUE_1 = "overdue_1"
    OVERDUE_2 = "overdue_2"
    OVERDUE_3 = "overdue_3"
    EXPERIMENT_ENDED = "experiment_ended"


OVERDUE_KINDS: Final = (NudgeKind.OVERDUE_1, NudgeKind.OVERDUE_2, NudgeKind.OVERDUE_3)
# Stages after which the report, too, is invited to revise their plan before the talk.
REPORT_INVITED_AT: Final = frozenset({NudgeKind.FIRST_MONTH, NudgeKind.DUE_SOON})


class Audience(StrEnum):
    MANAGER = "manager"
    REPORT = "report"


class ConversationKind(StrEnum):
    HELD = "held"
    SKIPPED = "skipped"


class ExperimentKind(StrEnum):
    SHADOWING = "shadowing"
    STRETCH = "stretch"
    MENTORSHIP = "mentorship"
    MEETINGS = "meetings"
    CROSS_FUNCTIONAL = "cross_functional"


EXPERIMENT_LABELS: Final = {
    ExperimentKind.SHADOWING: "Shadowing",
    ExperimentKind.STRETCH: "Stretch assignment",
    ExperimentKind.MENTORSHIP: "Mentorship",
    ExperimentKind.MEETINGS: "Exposure to the role's meetings",
    ExperimentKind.CROSS_FUNCTIONAL: "Cross-functional project",
}


class Outcome(StrEnum):
    """What an experiment taught, asked of both people when it ends."""

    KEEP_GOING = "keep_going"
    STOP = "stop"
    CHANGED_GOAL = "changed_goal"


OUTCOME_LABELS: Final = {
    Outcome.KEEP_GOING: "Keep going",
    Outcome.STOP: "Stop",
    Outcome.CHANGED_GOAL: "It changed the goal",
}


class NudgeStatus(StrEnum):
    PENDING = "pending"  # waiting for its time, the recipient's working hours, or a retry
    SENDING = "sending"  # claimed by one sweeper until its lease runs out
    SENT = "sent"
    CANCELLED = "cancelled"  # the conversation was logged or skipped, or the line ended, before it went
    FAILED = "failed"  # Slack says it can never be delivered (the account is gone)


# --- due dates -------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def first_due(started_on: date) -> date:
    return started_on + timedelta(days=FIRST_CONVERSATION_DAYS)


def due_after(conversation_on: date, months: int) -> date:
    """The next due date after a conversation held (in `months`) or a cycle skipped (one cadence)."""
    return add_months(conversation_on, months)


# --- stages of one due date -----------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    kind: NudgeKind
    send_on: date  # the manager's local day it becomes due to go out


@dataclass(frozen=True)
class Cycle:
    """What the rules need of a line to know its nudges: one due date and how the cycle began."""

    due_on: date
    started_on: date | None  # the line's start, for the first-month nudge
    first_cycle: bool  # no conversation held or skipped yet on this line
    lead_days: int


def stages(cycle: Cycle) -> list[Stage]:
    """The nudges of one due date, in order, each on a later day than the one before."""
    planned: list[Stage] = []
    if cycle.first_cycle and cycle.started_on is not None:
        planned.append(Stage(NudgeKind.FIRST_MONTH, cycle.started_on))
    planned.append(Stage(NudgeKind.DUE_SOON, cycle.due_on - timedelta(days=cycle.lead_days)))
    planned += [
        Stage(kind, cycle.due_on + timedelta(days=OVERDUE_EVERY_DAYS * number))
        for number, kind in enumerate(OVERDUE_KINDS, start=1)
    ]
    kept: list[Stage] = []
    for stage in planned:
        # A long lead time (or a line started late) can put "due soon" on or before the start: say it once.
        if not kept or stage.send_on > kept[-1].send_on:
            kept.append(stage)
    return kept


def first_nudge_on(cycle: Cycle) -> date:
    """Where a new cycle's `next_nudge_on` starts: its first stage."""
    return stages(cycle)[0].send_on


@dataclass(frozen=True)
class Decision:
    stage: Stage | None  # the nudge to enqueue today, if any
    next_nudge_on: date | None  # the first stage day still to handle afterwards; None when none is left


def next_stage(cycle: Cycle, next_nudge_on: date | None, today: date) -> Decision:
    """What to send `today` (the manager's local day), given the first stage day not yet handled."""
    if next_nudge_on is None:
        return Decision(None, None)
    upcoming = [stage for stage in stages(cycle) if stage.send_on >= next_nudge_on]
    ready = [stage for stage in upcoming if stage.send_on <= today]
    later = [stage for stage in upcoming if stage.send_on > today]
    following = later[0].send_on if later else None
    return Decision(ready[-1] if ready else None, following)


def after_snooze(cycle: Cycle, until_day: date) -> date | None:
    """`next_nudge_on` once a nudge is snoozed to `until_day`: stages inside the snooze are not sent."""
    later = [stage for stage in stages(cycle) if stage.send_on > until_day]
    return later[0].send_on if later else None


def retry_delay(attempts: int) -> timedelta:
    """How long a nudge waits after its `attempts`-th failed send: 5 min, 10, 20, … at most 6 h."""
    doublings = min(max(attempts - 1, 0), 16)  # 5 min · 2**16 is far past the cap already
    return min(RETRY_FIRST * (1 << doublings), RETRY_MAX)


# --- time zones and working hours --------------------------------------------------------------------


def known_zone(name: object) -> str | None:
    """Slack's `tz` for a person, if it is a zone this machine knows and fits the column; else None."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


@lru_cache(maxsize=1024)
def zone(name: str | None) -> tzinfo:
    """The IANA zone Slack gave for a person, or UTC when unknown or not a zone this machine knows. Kept once
    looked up: ZoneInfo's own strong cache holds only 8 zones, and a sweep meets a whole company's."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC


def local_day(now: datetime, tz: str | None) -> date:
    return now.astimezone(zone(tz)).date()


# --- prompts ----------------------------------------------------------------------------------------

# The seed ideas of "Career Conversations Matter": start with curiosity, ask about the why, test with
# low-stakes experiments. One theme per list; each nudge takes a different question from three themes.
PROMPT_THEMES: Final[tuple[tuple[str, ...], ...]] = (
    (
        "What part of your work gives you the most energy?",
        "When did you last lose track of time at work? What were you doing?",
        "Which tasks drain you, and which would you happily do more of?",
    ),
    (
        "Where do you want to be a year from now?",
        "What would you like to be known for a year from now?",
        "Looking back a year from now, what would make this year a great one for you?",
    ),
    (
        "What do you think the next role would give you: new challenges, recognition, better pay, something else?",
        "Why does that goal matter to you, and not to someone else?",
        "What would change for you if you reached that goal?",
    ),
    (
        "Is there a low-stakes way to test that goal: shadowing, a stretch assignment, a mentor?",
        "Which meetings or projects of that role could you join for a few weeks to try it out?",
        "What small experiment could we agree on before we next talk?",
    ),
)
PROMPTS_PER_NUDGE: Final = 3


def prompts_for(line_id: int, due_on: date) -> list[str]:
    """Three curiosity/why prompts that change from one conversation to the next (same nudge, same prompts)."""
    turn = line_id + due_on.toordinal()
    first_theme = turn % len(PROMPT_THEMES)
    chosen = []
    for offset in range(PROMPTS_PER_NUDGE):
        theme = PROMPT_THEMES[(first_theme + offset) % len(PROMPT_THEMES)]
        chosen.append(theme[(turn // len(PROMPT_THEMES)) % len(theme)])
    return chosen
