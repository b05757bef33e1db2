"""A small organisation for the report's tests, built with tests/builders.py, whose every figure is worked out by
hand below (REPORT_NOW, the period PERIOD_SINCE..PERIOD_UNTIL). Every typed field carries MARKER, so a test can
search the report's outputs for any of it.

    X (Asia/Tokyo, no manager)
    ├── M (America/New_York)     line 2025-06-01; held 2026-07-01 (a day after the period), 2026-09-01 → due 12-01
    │   ├── A (UTC)              line 2026-02-01; held 02-20 (day 19, experiment → keep going), 10-01 → due 2027-01-01
    │   ├── B (Asia/Tokyo)       line 2026-03-01; held 04-15 (day 45, experiment ends 07-15), skipped 06-30 → due 09-30
    │   ├── C (Asia/Tokyo)       line 2026-06-20; nothing held → due 07-20
    │   └── (E's old line)       line 2026-05-01; held 05-10 (day 9, experiment ends 06-30 → stop), then E moved
    ├── D (America/Los_Angeles)  line 2025-01-01; held 2026-01-01 (the period's first day), 08-10 → due 11-10
    └── E (America/Los_Angeles)  line 2026-06-01; nothing held → due 07-01
    Z (Pacific/Auckland) ── Y    line 2026-10-22 → due 11-21: overdue on Z's day (already the 22nd), not in UTC
    V (UTC) ── W                 line 2026-10-22 → due 11-21: due today, not overdue
    Q                            deactivated: not counted

Plans: A (saved 03-01); B (23:30 in Tokyo on the period's last day: in it); C (00:30 in Tokyo the day after: not in
it); D (23:30 in Los Angeles the day before the period); E (00:30 in Los Angeles on its first day). A shares with
M (their line); C shares with X (a plan share); M shares a line but has no plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final

from sqlalchemy.orm import Session

from bot.career.cadence import Audience, ExperimentKind, Outcome
from bot.career.reflection import Why
from storage import conversations as conversation_store
from storage import people
from storage.conversations import NewExperiment
from tests import builders as b

REPORT_NOW: Final = datetime(2026, 11, 21, 13, 30, tzinfo=UTC)  # already 02:30 on the 22nd in Auckland
PERIOD_SINCE: Final = date(2026, 1, 1)
PERIOD_UNTIL: Final = date(2026, 6, 30)
MARKER: Final = "ZQXMARKER"  # in every field anyone typed

X, M, A, B, C, D, E = "UX0000001", "UM0000001", "UA0000001", "UB0000001", "UC0000001", "UD0000001", "UE0000001"
Z, Y, V, W, Q = "UZ0000001", "UY0000001", "UV0000001", "UW0000001", "UQ0000001"


@dataclass(frozen=True)
class Ids:
    people: dict[str, int]


def typed(what: str) -> str:
    return f"{MARKER} {what} <!channel> *bold* `code` {MARKER}"


def build_report_org(session: Session) -> Ids:
    now = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    zones = {X: "Asia/Tokyo", M: "America/New_York", A: "UTC", B: "Asia/Tokyo", C: "Asia/Tokyo"}
    zones |= {D: "America/Los_Angeles", E: "America/Los_Angeles", Z: "Pacific/Auckland", V: "UTC"}
    ids = {user: b.person(session, user, tz=zones.get(user), now=now) for user in (X, M, A, B, C, D, E, Z, Y, V, W, Q)}

    def held(line_id: int, day: date, *experiments: NewExperiment) -> list[int]:
        saved = b.held_conversation(session, line_id, day, notes=typed("notes"), experiments=experiments, now=now)
        return [experiment.id for experiment in saved.experiments]

    def experiment(ends_on: date) -> NewExperiment:
        return NewExperiment(ExperimentKind.SHADOWING, typed("experiment"), ends_on)

    line_m = b.active_line(session, M, X, started_on=date(2025, 6, 1), shared=True, now=now)
    held(line_m.id, date(2026, 7, 1))
    held(line_m.id, date(2026, 9, 1))
    line_d = b.active_line(session, D, X, started_on=date(2025, 1, 1), now=now)
    held(line_d.id, date(2026, 1, 1))
    held(line_d.id, date(2026, 8, 10))
    line_a = b.active_line(session, A, M, started_on=date(2026, 2, 1), shared=True, now=now)
    (kept,) = held(line_a.id, date(2026, 2, 20), experiment(date(2026, 3, 20)))
    conversation_store.record_outcome(session, kept, Audience.MANAGER, Outcome.KEEP_GOING, now)
    conversation_store.record_outcome(session, kept, Audience.REPORT, Outcome.STOP, now)  # the manager's counts
    held(line_a.id, date(2026, 10, 1))
    line_b = b.active_line(session, B, M, started_on=date(2026, 3, 1), now=now)
    held(line_b.id, date(2026, 4, 15), experiment(date(2026, 7, 15)))
    b.skipped_conversation(session, line_b.id, date(2026, 6, 30), typed("skip reason"), now=now)
    b.active_line(session, C, M, started_on=date(2026, 6, 20), now=now)
    line_e = b.active_line(session, E, M, started_on=date(2026, 5, 1), now=now)
    (stopped,) = held(line_e.id, date(2026, 5, 10), experiment(date(2026, 6, 30)))
    conversation_store.record_outcome(session, stopped, Audience.REPORT, Outcome.STOP, now)
    b.new_manager(session, E, X, started_on=date(2026, 6, 1), now=now)
    b.active_line(session, Y, Z, started_on=date(2026, 10, 22), now=now)
    b.active_line(session, W, V, started_on=date(2026, 10, 22), now=now)
    people.mark_deactivated(session, ids[Q], now)

    def plan(user: str, saved_at: datetime) -> None:
        b.plan_version(session, user, b.a_plan(typed("goal")), now=saved_at)

    plan(A, datetime(2026, 3, 1, 10, 0, tzinfo=UTC))
    plan(B, datetime(2026, 6, 30, 14, 30, tzinfo=UTC))  # 23:30 on June 30 in Tokyo
    plan(C, datetime(2026, 6, 30, 15, 30, tzinfo=UTC))  # 00:30 on July 1 in Tokyo
    plan(D, datetime(2026, 1, 1, 7, 30, tzinfo=UTC))  # 23:30 on December 31 in Los Angeles
    plan(E, datetime(2026, 1, 1, 8, 30, tzinfo=UTC))  # 00:30 on January 1 in Los Angeles
    b.plan_share(session, C, X, now=now)
    # The rest of what people type, for the search for typed text.
    b.reflection(
        session,
        A,
        b.a_reflection(typed("energy"), year_from_now=typed("a year"), why=(Why.PAY,), why_words=typed("why")),
    )
    b.feedback(session, A, M, typed("feedback"), now=REPORT_NOW)
    ask = b.gap_ask(session, A, D, step_title=typed("step"), goal=typed("goal shown"), note=typed("ask note"), now=now)
    b.suggestion(session, ask, [typed("suggested gap")], typed("encouragement"), now=now)
    return Ids(ids)


# What storage.report tallies for each team of the organisation above (by the manager's Slack id; None: the
# people with no active manager), worked out by hand from the picture above.
EXPECTED_TALLIES: Final[dict[str | None, dict[str, int]]] = {
    X: {
        "lines.active": 3,  # M, D, E
        "lines.new": 1,  # E's new line
        "first_month.due": 1,
        "cadence.lines": 3,
        "cadence.on": 2,  # M (due 12-01), D (11 days late)
        "cadence.overdue": 2,  # D (11 days), E (143 days on X's day in Tokyo)
        "conversations.held": 1,  # D on the period's first day
        "conversations.held.2026-01": 1,
        "people": 3,
        "plans.with_plan": 2,  # D, E
        "plans.revised": 1,  # E
        # no "plans.sharing": M shares the line but has no plan
    },
    M: {
        "lines.active": 3,  # A, B, C
        "lines.new": 4,  # A, B, C and E's old line
        "first_month.due": 4,
        "first_month.on_time": 2,  # A (day 19), E (day 9)
        "cadence.lines": 3,
        "cadence.on": 1,  # A
        "cadence.overdue": 2,  # B (52 days), C (124)
        "conversations.held": 3,
        "conversations.held.2026-02": 1,
        "conversations.held.2026-04": 1,
        "conversations.held.2026-05": 1,
        "conversations.skipped": 1,  # B on the period's last day
        "experiments.agreed": 3,
        "experiments.ended": 2,
        "experiments.outcome.keep_going": 1,
        "experiments.outcome.stop": 1,
        "people": 3,
        "plans.with_plan": 3,
        "plans.revised": 2,  # A, B
        "plans.sharing": 2,  # A (with M), C (with X)
    },
    Z: {"lines.active": 1, "cadence.lines": 1, "cadence.on": 1, "cadence.overdue": 1, "people": 1},
    V: {"lines.active": 1, "cadence.lines": 1, "cadence.on": 1, "people": 1},
    None: {"people": 3},  # X, Z, V
}
EXPECTED_LATE_DAYS: Final[dict[str, dict[int, int]]] = {X: {11: 1, 143: 1}, M: {52: 1, 124: 1}, Z: {1: 1}, V: {}}
