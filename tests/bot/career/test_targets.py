"""Honest targets: each rule, table-tested on plans whose dates a person could save."""

from __future__ import annotations

from datetime import date

import pytest

from bot.career.plan import Goal, GoalKind, Plan, Step
from bot.career.targets import TargetNoteKind, target_notes

TODAY = date(2026, 12, 2)
K = TargetNoteKind


def plan(goal: date | None, *steps: date | tuple[date, bool]) -> Plan:
    """A plan with `goal` as its target and steps at these targets (a (target, True) step is reached)."""
    made = []
    for number, step in enumerate(steps, start=1):
        target, done = step if isinstance(step, tuple) else (step, False)
        made.append(Step(f"My step number {number}", target, done=done))
    return Plan(Goal(GoalKind.OWN, "Lead a team", target=goal), tuple(made), ("A gap",))


@pytest.mark.parametrize(
    ("the_plan", "kinds"),
    [
        # sound: steps a year apart, the goal after them, within 10 years
        (plan(date(2029, 6, 1), date(2027, 6, 1), date(2028, 6, 1)), []),
        (plan(None, date(2027, 6, 1)), [K.NO_GOAL_TARGET]),
        (plan(date(2026, 11, 1), date(2027, 6, 1)), [K.GOAL_PAST, K.STEP_AFTER_GOAL]),
        (plan(date(2037, 1, 1), date(2027, 6, 1), date(2030, 6, 1)), [K.GOAL_FAR]),
        (plan(date(2036, 12, 2), date(2027, 6, 1), date(2030, 6, 1)), []),  # exactly 10 years: not "more than"
        (plan(date(2028, 1, 1), date(2027, 6, 1), date(2028, 6, 1)), [K.STEP_AFTER_GOAL]),
        (plan(date(2028, 1, 1), date(2027, 6, 1), (date(2028, 6, 1), True)), []),  # reached: no longer a plan
        (plan(date(2029, 6, 1), date(2027, 6, 1), date(2027, 8, 31)), [K.STEPS_CLOSE]),
        (plan(date(2029, 6, 1), date(2027, 6, 1), date(2027, 9, 1)), []),  # three months apart: fine
        # a goal 4 years away and both steps in its last 8 months
        (plan(date(2030, 12, 1), date(2030, 5, 1), date(2030, 11, 1)), [K.STEPS_BUNCHED]),
        (plan(date(2027, 10, 1), date(2027, 8, 1), date(2027, 9, 15)), [K.STEPS_CLOSE]),  # under a year: not bunched
        (plan(date(2030, 12, 1), date(2030, 11, 1)), []),  # one step can't be bunched
    ],
)
def test_each_rule_notes_what_it_should_and_nothing_else(the_plan: Plan, kinds: list[TargetNoteKind]) -> None:
    assert [note.kind for note in target_notes(the_plan, TODAY)] == kinds


def test_every_note_says_why_it_matters_with_dates_and_numbers_only() -> None:
    everything = plan(date(2026, 11, 1), date(2027, 6, 1), date(2027, 7, 1))
    notes = target_notes(everything, TODAY)
    assert [note.kind for note in notes] == [K.GOAL_PAST, K.STEP_AFTER_GOAL, K.STEP_AFTER_GOAL, K.STEPS_CLOSE]
    for note in notes:
        assert "My step" not in note.text and "Lead a team" not in note.text  # numbers and dates, no typed text
        assert "<" not in note.text and "*" not in note.text  # plain words, safe as mrkdwn
    why = ["tells your steps how fast to go", "too aggressive", "too aggressive", "the pace may be too aggressive"]
    assert [reason in note.text for note, reason in zip(notes, why, strict=True)] == [True] * 4
    assert "Step 2 (1 Jul 2027)" in notes[2].text
