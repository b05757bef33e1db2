"""The scheduling rules, table-driven: due dates, nudge stages, snooze, working hours across time zones and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.career.cadence import (
    PROMPT_THEMES,
    RETRY_MAX,
    Cycle,
    NudgeKind,
    after_snooze,
    due_after,
    first_due,
    first_nudge_on,
    local_day,
    next_stage,
    prompts_for,
    retry_delay,
    stages,
)


@pytest.mark.parametrize(
    ("held_on", "months", "due"),
    [
        (date(2027, 1, 31), 3, date(2027, 4, 30)),  # April has 30 days
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # into a leap February
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # ordinary February
        (date(2028, 2, 29), 6, date(2028, 8, 29)),
        (date(2028, 2, 29), 4, date(2028, 6, 29)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2027, 3, 31), 5, date(2027, 8, 31)),
        (date(2026, 12, 15), 3, date(2027, 3, 15)),  # across a year end
    ],
)
def test_the_next_conversation_is_due_whole_months_after_the_last_one(held_on: date, months: int, due: date) -> None:
    assert due_after(held_on, months) == due


def test_a_month_after_january_31_is_the_end_of_february() -> None:
    assert due_after(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert due_after(date(2028, 1, 31), 1) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("started_on", "due"),
    [
        (date(2027, 1, 31), date(2027, 3, 2)),  # 30 days, not "a month"
        (date(2028, 2, 1), date(2028, 3, 2)),  # leap February has 29 days
        (date(2026, 12, 20), date(2027, 1, 19)),
    ],
)
def test_the_first_conversation_is_due_30_days_after_the_line_starts(started_on: date, due: date) -> None:
    assert first_due(started_on) == due


def _first(started_on: date, lead_days: int = 3) -> Cycle:
    return Cycle(due_on=first_due(started_on), started_on=started_on, first_cycle=True, lead_days=lead_days)


def _later(due_on: date, lead_days: int = 3) -> Cycle:
    return Cycle(due_on=due_on, started_on=date(2026, 1, 5), first_cycle=False, lead_days=lead_days)


def test_a_new_line_is_nudged_on_its_first_day_then_before_the_due_date_then_weekly_three_times() -> None:
    cycle = _first(date(2027, 3, 1))  # due 2027-03-31
    assert [(s.kind, s.send_on) for s in stages(cycle)] == [
        (NudgeKind.FIRST_MONTH, date(2027, 3, 1)),
        (NudgeKind.DUE_SOON, date(2027, 3, 28)),
        (NudgeKind.OVERDUE_1, date(2027, 4, 7)),
        (NudgeKind.OVERDUE_2, date(2027, 4, 14)),
        (NudgeKind.OVERDUE_3, date(2027, 4, 21)),
    ]


def test_later_cycles_have_no_first_month_nudge() -> None:
    kinds = [s.kind for s in stages(_later(date(2027, 6, 30)))]
    assert kinds == [NudgeKind.DUE_SOON, NudgeKind.OVERDUE_1, NudgeKind.OVERDUE_2, NudgeKind.OVERDUE_3]


def test_a_lead_time_as_long_as_the_first_month_says_it_once() -> None:
    cycle = _first(date(2027, 3, 1), lead_days=30)
    assert [s.kind for s in stages(cycle)][:2] == [NudgeKind.FIRST_MONTH, NudgeKind.OVERDUE_1]


def test_a_lead_time_of_zero_nudges_on_the_due_date() -> None:
    assert stages(_later(date(2027, 6, 30), lead_days=0))[0].send_on == date(2027, 6, 30)


def _walk(cycle: Cycle, start: date, end: date) -> list[tuple[date, NudgeKind]]:
    """Run the rule once a day, as a daily sweep would, carrying next_nudge_on from day to day."""
    sent = []
    pending: date | None = first_nudge_on(cycle)
    day = start
    while day <= end:
        decision = next_stage(cycle, pending, day)
        if decision.stage is not None:
            sent.append((day, decision.stage.kind))
        pending = decision.next_nudge_on
        day += timedelta(days=1)
    return sent


def test_daily_sweeps_send_each_stage_once_on_its_day() -> None:
    cycle = _first(date(2027, 3, 1))
    assert _walk(cycle, date(2027, 2, 20), date(2027, 6, 30)) == [(s.send_on, s.kind) for s in stages(cycle)]


def test_stages_missed_while_down_collapse_into_the_latest_one() -> None:
    cycle = _first(date(2027, 3, 1))
    # Down from the start until 2027-04-08: first month, due soon and the first overdue reminder were missed.
    decision = next_stage(cycle, first_nudge_on(cycle), date(2027, 4, 8))
    assert decision.stage is not None and decision.stage.kind is NudgeKind.OVERDUE_1
    assert decision.next_nudge_on == date(2027, 4, 14)


def test_after_the_third_overdue_reminder_nothing_more_is_sent() -> None:
    cycle = _later(date(2027, 6, 30))
    decision = next_stage(cycle, date(2027, 7, 21), date(2027, 7, 21))
    assert decision.stage is not None and decision.stage.kind is NudgeKind.OVERDUE_3
    assert decision.next_nudge_on is None
    assert next_stage(cycle, None, date(2027, 12, 1)) == next_stage(cycle, None, date(2027, 7, 22))
    assert next_stage(cycle, None, date(2027, 12, 1)).stage is None


def test_nothing_is_sent_before_the_first_stage() -> None:
    cycle = _later(date(2027, 6, 30))
    decision = next_stage(cycle, first_nudge_on(cycle), date(2027, 6, 26))
    assert decision.stage is None and decision.next_nudge_on == date(2027, 6, 27)


@pytest.mark.parametrize(
    ("until", "next_nudge_on"),
    [
        (date(2027, 6, 30), date(2027, 7, 7)),  # snoozed from "due soon": the first overdue reminder still comes
        (date(2027, 7, 9), date(2027, 7, 14)),  # a reminder inside the snoozed week is not sent
        (date(2027, 7, 14), date(2027, 7, 21)),  # one landing on the snooze day is covered by the snoozed nudge
        (date(2027, 7, 25), None),  # snoozed past the last reminder
    ],
)
def test_snoozing_moves_only_the_nudge(until: date, next_nudge_on: date | None) -> None:
    cycle = _later(date(2027, 6, 30))
    assert after_snooze(cycle, until) == next_nudge_on
    assert cycle.due_on == date(2027, 6, 30)  # the conversation is still due when it was


@pytest.mark.parametrize(
    ("cadence", "due"),
    [(3, date(2027, 10, 2)), (4, date(2027, 11, 2)), (5, date(2027, 12, 2)), (6, date(2028, 1, 2))],
)
def test_skipping_a_cycle_moves_the_due_date_one_cadence_from_the_skip(cadence: int, due: date) -> None:
    assert due_after(date(2027, 7, 2), cadence) == due
    assert stages(_later(due))[0].send_on == due - timedelta(days=3)


def test_local_day_is_on_the_persons_side_of_the_date_line() -> None:
    instant = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
    assert local_day(instant, "Pacific/Auckland") == date(2026, 11, 23)
    assert local_day(instant, "America/Los_Angeles") == date(2026, 11, 22)
    assert local_day(instant, None) == date(2026, 11, 22)


def test_retries_back_off_and_stop_growing() -> None:
    delays = [retry_delay(n) for n in range(1, 12)]
    assert delays[0] == timedelta(minutes=5) and delays[1] == timedelta(minutes=10)
    assert delays == sorted(delays) and delays[-1] == RETRY_MAX
    assert retry_delay(10**9) == RETRY_MAX


def test_prompts_rotate_from_one_conversation_to_the_next_and_cover_different_themes() -> None:
    due = date(2027, 6, 30)
    first = prompts_for(7, due)
    assert first == prompts_for(7, due)  # the same nudge, sent again after a snooze, asks the same
    assert len(first) == 3 and len(set(first)) == 3
    themes = [next(i for i, theme in enumerate(PROMPT_THEMES) if p in theme) for p in first]
    assert len(set(themes)) == 3
    following = {tuple(prompts_for(7, due_after(due, 3 * n))) for n in range(1, 8)}
    assert len(following) > 3
