"""App Home (F6). The employee's part: their plan at a glance (or an invitation to write one), their
last reflection, and exactly who can see them, with the control to share or stop sharing. For a
manager, then, their team: each report's next due date (or since when overdue), the last conversation
held and the experiments running, with Log conversation and View plan (dates only: no answers); and their
bench, the succession picture of the reports who share (bot/slack/blocks/bench.py)."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from bot.career.cadence import EXPERIMENT_LABELS
from bot.career.home import HomeData, TeamMember
from bot.career.plan import GoalKind, SavedPlan, human_date
from bot.slack import ids
from bot.slack.blocks.asks import home_blocks as asks_blocks
from bot.slack.blocks.bench import bench_blocks
from bot.slack.blocks.feedback import feedback_section
from bot.slack.blocks.gaps import gap_blocks
from bot.slack.blocks.reflections import reflection_summary
from bot.slack.blocks.sharing import who_can_see
from bot.slack.blocks.targets import target_note_blocks
from bot.slack.blocks.text import button, context, escape, fit, header, mrkdwn, section
from bot.slack.blocks.workspace import workspace_blocks

View = dict[str, Any]

MAX_BLOCKS = 100  # Slack's limit for a Home tab
TEAM_PAGE = 15  # reports shown on Home; `/careerplan team` lists them all
TEAM_BLOCK = "team_{}"  # the actions block of the n-th report shown
EXPERIMENTS_SHOWN = 3  # per report; more are counted
EXPERIMENT_WHAT_SHOWN = 200
BENCH_RESERVE = 8  # blocks kept for the bench: its count and a few of those who share


REMINDERS: Final = {
    "type": "section",
    "text": mrkdwn(
        "*Reminders* reach you on your working days and hours, not on the public holidays you or your workspace "
        "chose, and wait while your Slack status says you are away."
    ),
    "accessory": button("Reminder settings", ids.ACTION_REMINDER_SETTINGS),
}


def home_view(data: HomeData) -> View:
    blocks = _empty_state() if data.saved is None else _plan_blocks(data.saved, data.today)
    if data.saved is not None or data.open_asks or data.suggestions:
        blocks += asks_blocks(data.open_asks, data.declined_asks, data.suggestions)
    if data.feedback:
        blocks += [{"type": "divider"}, *feedback_section(data.feedback)]
    if data.reflection is not None:
        blocks += [{"type": "divider"}, *reflection_summary(data.reflection)]
    blocks += [{"type": "divider"}, *who_can_see(data.manager_line, data.viewers), REMINDERS]
    if data.workspace is not None:  # an admin's: before the team, whose page shrinks to fit
        blocks += workspace_blocks(data.workspace)
    # The bench keeps some room even beside the largest team page: the team's rest is a command away.
    reserve = BENCH_RESERVE if data.bench is not None else 0
    if data.team:
        blocks += team_blocks(data, room=MAX_BLOCKS - len(blocks) - reserve)
    if data.bench is not None:
        blocks += bench_blocks(data.bench, data.today, room=MAX_BLOCKS - len(blocks))
    return {"type": "home", "blocks": blocks}


def team_blocks(data: HomeData, *, room: int) -> list[dict[str, Any]]:
    """The manager's team, in at most `room` blocks: a page of reports, and how to see the rest."""
    total = max(data.team_size, len(data.team))
    fixed = 4  # divider, header, the privacy note, the "…and N more" note
    shown = data.team[: max(0, min(TEAM_PAGE, (room - fixed) // 2))]
    if not shown:
        return []  # no room at all: better no team than a view Slack refuses
    blocks: list[dict[str, Any]] = [
        {"type": "divider"},
        header("Your team"),
        context("Dates only. A report's plan opens for you only while they share it with you."),
    ]
    for n, member in enumerate(shown):
        blocks += _member_blocks(n, member, data.today)
    if total > len(shown):
        blocks.append(context(f"…and {total - len(shown)} more: type `{ids.COMMAND} {ids.SUB_TEAM}`."))
    return blocks


def _member_blocks(n: int, member: TeamMember, today: date) -> list[dict[str, Any]]:
    line = member.line
    due = line.next_due_on
    if due is None:
        when = "no conversation due yet"
    elif due < today:
        when = f"⚠️ *overdue* since {human_date(due)}"
    elif due == today:
        when = "next conversation due *today*"
    else:
        when = f"next conversation due {human_date(due)}"
    due_now = due is not None and due <= today
    held = f"last held {human_date(line.last_held_on)}" if line.last_held_on is not None else "no conversation yet"
    shared = "plan shared with you" if line.shared else "plan not shared"
    text = f"<@{escape(line.report)}>\n{when} · {held} · {shared}"
    if member.running:
        running = [
            f"• {EXPERIMENT_LABELS[e.kind]}: {fit(e.what, EXPERIMENT_WHAT_SHOWN)} (until {human_date(e.ends_on)})"
            for e in member.running[:EXPERIMENTS_SHOWN]
        ]
        if len(member.running) > EXPERIMENTS_SHOWN:
            running.append(f"…and {len(member.running) - EXPERIMENTS_SHOWN} more")
        text += "\n*Experiments running*\n" + "\n".join(running)
    return [
        section(text),
        {
            "type": "actions",
            "block_id": TEAM_BLOCK.format(n),
            "elements": [
                # Green only where it is time to talk, so a glance finds who needs a conversation.
                button("Log conversation", ids.ACTION_LOG, value=str(line.id), style="primary" if due_now else None),
                button("View plan", ids.ACTION_VIEW_PLAN, value=line.report),
            ],
        },
    ]


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
        *plan_summary(saved, today, gap_buttons=True),
        *target_note_blocks(saved.plan, today),
        {
            "type": "actions",
            "block_id": "home_actions",
            "elements": [
                button("Edit plan", ids.ACTION_EDIT_PLAN, style="primary"),
                button("Reflect", ids.ACTION_REFLECT),
                button("Ask for gaps", ids.ACTION_ASK),
            ],
        },
        revised(saved),
    ]


def revised(saved: SavedPlan) -> dict[str, Any]:
    when = f"<!date^{int(saved.saved_at.timestamp())}^{{date_short_pretty}}|{human_date(saved.saved_at.date())}>"
    return context(f"Version {saved.version}, last revised {when}.")


def plan_summary(saved: SavedPlan, today: date, *, gap_buttons: bool = False) -> list[dict[str, Any]]:
    """The three answers at a glance: goal, steps with their targets, gaps by significance and the closed ones
    (with Closed it / Reopen only where `gap_buttons`: on the owner's own Home)."""
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

    blocks += [{"type": "divider"}, *gap_blocks(saved, today, buttons=gap_buttons)]
    return blocks


def _kind_name(kind: GoalKind) -> str:
    return {
        GoalKind.OWN: "your own goal",
        GoalKind.REACH_SENIOR: "reach the senior level",
        GoalKind.KEEP_IMPROVING: "keep improving",
    }[kind]
