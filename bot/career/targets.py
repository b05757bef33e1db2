"""Honest targets: gentle notes on a plan's dates, never errors.

The first article: targets "can indicate if your goal is too aggressive or passive". These rules read the goal's
and the steps' targets and say, in a sentence each, what looks off and why it matters; the person may keep their
plan exactly as it is. Notes name steps by their number and dates only, never by what anyone typed. Pure: no
Slack, no database.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from bot.career.plan import Plan, human_date

CLOSE_STEPS = relativedelta(months=3)  # a step is a role or a skill: it usually takes longer than this
FAR_GOAL = relativedelta(years=10)
# Bunched: every open step in the last quarter of the time to the goal, when the goal is a year away or more.
BUNCHED_SHARE = 0.25
BUNCHED_MIN_SPAN = relativedelta(years=1)


class TargetNoteKind(StrEnum):
    NO_GOAL_TARGET = "no_goal_target"
    GOAL_PAST = "goal_past"
    GOAL_FAR = "goal_far"
    STEP_AFTER_GOAL = "step_after_goal"
    STEPS_CLOSE = "steps_close"
    STEPS_BUNCHED = "steps_bunched"


@dataclass(frozen=True)
class TargetNote:
    kind: TargetNoteKind
    text: str  # one or two sentences; safe as mrkdwn (dates and numbers only)


def target_notes(plan: Plan, today: date) -> list[TargetNote]:
    """What the plan's targets suggest, in the article's spirit; [] when they look sound."""
    goal = plan.goal.target
    notes: list[TargetNote] = []
    if goal is None:
        notes.append(
            TargetNote(
                TargetNoteKind.NO_GOAL_TARGET,
                'Your goal has no target date. Even a rough one ("in about 3 years") shows whether your steps are '
                "paced for it: without it, it is hard to tell if the plan is too aggressive or too passive.",
            )
        )
    elif goal < today:
        notes.append(
            TargetNote(
                TargetNoteKind.GOAL_PAST,
                f"Your goal's target, {human_date(goal)}, has passed. If you reached it, a new goal keeps the plan "
                "useful; if not, a new date tells your steps how fast to go.",
            )
        )
    elif goal > today + FAR_GOAL:
        notes.append(
            TargetNote(
                TargetNoteKind.GOAL_FAR,
                f"Your goal is more than 10 years away ({human_date(goal)}). That can be right, but a plan that far "
                "out is easy to let drift: a nearer goal, or a step within a year or two, gives you something to "
                "aim for now.",
            )
        )
    if goal is not None:
        for number, step in enumerate(plan.steps, start=1):
            if step.target > goal and not step.done:
                notes.append(
                    TargetNote(
                        TargetNoteKind.STEP_AFTER_GOAL,
                        f"Step {number} ({human_date(step.target)}) comes after your goal ({human_date(goal)}): "
                        "either the goal's date is too aggressive, or that step is not needed to reach it.",
                    )
                )
    for (number, before), (_, after) in itertools.pairwise(enumerate(plan.steps, start=1)):
        if after.target < before.target + CLOSE_STEPS and not (before.done and after.done):
            notes.append(
                TargetNote(
                    TargetNoteKind.STEPS_CLOSE,
                    f"Steps {number} and {number + 1} are less than 3 months apart ({human_date(before.target)}, "
                    f"{human_date(after.target)}). A step is usually a role or a skill that takes months: these may "
                    "be one step, or the pace may be too aggressive.",
                )
            )
    if _bunched(plan, today, goal):
        notes.append(
            TargetNote(
                TargetNoteKind.STEPS_BUNCHED,
                "All your steps fall in the last months before your goal. Until then nothing marks your progress: "
                "an earlier step gives you something to reach sooner, or the goal may be further off than its date.",
            )
        )
    return notes


def _bunched(plan: Plan, today: date, goal: date | None) -> bool:
    open_steps = [step for step in plan.steps if not step.done]
    if goal is None or len(open_steps) < 2 or goal < today + BUNCHED_MIN_SPAN:
        return False
    last_stretch_starts = goal - (goal - today) * BUNCHED_SHARE
    return all(last_stretch_starts <= step.target <= goal for step in open_steps)
