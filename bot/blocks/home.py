"""App Home (F6), the employee's part: their plan at a glance (or an invitation to write one), their
last reflection, and exactly who can see them, with the control to share or stop sharing."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import ids
from bot.blocks.reflect import reflection_summary
from bot.blocks.sharing import who_can_see
from bot.blocks.text import button, context, fit, header, section
from bot.career.home import HomeData
from bot.career.plan import GoalKind, SavedPlan, human_date

View = dict[str, Any]


def home_view(data: HomeData) -> View:
    blocks = _empty_state() if data.saved is None else _plan_blocks(data.saved, data.today)
    if data.reflection is not None:
        blocks += [{"type": "divider"}, *reflection_summary(data.reflection)]
    blocks += [{"type": "divider"}, *who_can_see(data.manager_line)]
    return {"type": "home", "blocks": blocks}


def _empty_state() -> list[dict[str, Any]]:
    return [
        header("Where do you want your career to go?"),
        section(
            "A career plan is three questions:\n"
            "1. *What career goal do you have?* No goal yet? Reaching the senior level is a fine default.\n"
            "2. *What are your steps to get there?* Each with a target date.\n"
            "3. *What are the gaps between now and the next step?* Work on the biggest one first."
        ),
        {
            "type": "actions",
            "block_id": "home_actions",
            "elements": [
                button("Write my plan", ids.ACTION_EDIT_PLAN, style="primary"),
                button("Reflect", ids.ACTION_REFLECT),
            ],
        },
        context(f"Takes about five minutes. You can also type `{ids.COMMAND}`."),
    ]


def _plan_blocks(saved: SavedPlan, today: date) -> list[dict[str, Any]]:
    return [
        header("Your career plan"),
        *plan_summary(saved, today),
        {
            "type": "actions",
            "block_id": "home_actions",
            "elements": [
                button("Edit plan", ids.ACTION_EDIT_PLAN, style="primary"),
                button("Reflect", ids.ACTION_REFLECT),
            ],
        },
        revised(saved),
    ]


def revised(saved: SavedPlan) -> dict[str, Any]:
    when = f"<!date^{int(saved.saved_at.timestamp())}^{{date_short_pretty}}|{human_date(saved.saved_at.date())}>"
    return context(f"Version {saved.version}, last revised {when}.")


def plan_summary(saved: SavedPlan, today: date) -> list[dict[str, Any]]:
    """The three answers at a glance: goal, steps with their targets, gaps by significance (no buttons)."""
    plan, goal = saved.plan, saved.plan.goal
    blocks: list[dict[str, Any]] = []

    goal_line = f"*Goal:* {fit(goal.title, 2000)}"
    if goal.text and goal.kind is not GoalKind.OWN:
        goal_line = f"*Goal:* {fit(goal.title, 1000)} ({_kind_name(goal.kind)})"
    if goal.target is not None:
        goal_line += f"\n*Target:* {human_date(goal.target)}"
    blocks.append(section(goal_line))
    checks = [
        ("a goal of one's own, not family's or society's", goal.is_own_want),
        ("fits values and whole life", goal.fits_values),
    ]
    blocks.append(context(" · ".join(("✓ " if ok else "☐ not yet checked: ") + text for text, ok in checks)))
    if goal.year_from_now:
        blocks.append(section(f"*A year from now:* {fit(goal.year_from_now, 2000)}"))

    blocks += [{"type": "divider"}, section("*Steps*")]
    for step in plan.steps:
        if step.done:
            line = f"✅ ~{fit(step.title, 1000)}~ reached (target {human_date(step.target)})"
        elif step.target < today:
            line = f"⚠️ *{fit(step.title, 1000)}*: target {human_date(step.target)} has passed"
        else:
            line = f"• *{fit(step.title, 1000)}*: by {human_date(step.target)}"
        blocks.append(section(line))

    blocks.append({"type": "divider"})
    if plan.focus_gap is not None:
        blocks.append(section(f"*Focus gap:* {fit(plan.focus_gap, 2000)}"))
    others = plan.gaps[1:]
    if others:
        blocks.append(
            section("*Then, in order:*\n" + "\n".join(f"{n}. {fit(gap, 500)}" for n, gap in enumerate(others, start=2)))
        )

    return blocks


def _kind_name(kind: GoalKind) -> str:
    return {
        GoalKind.OWN: "your own goal",
        GoalKind.REACH_SENIOR: "reach the senior level",
        GoalKind.KEEP_IMPROVING: "keep improving",
    }[kind]
