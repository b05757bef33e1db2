"""Messages and views of reporting lines (F3) and of someone allowed to read a person's plan opening it. Pure.

People are shown as `<@U…>` mentions built from ids Slack gave us, never from typed text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.career.feedback import plan_ref
from bot.career.lines import Line, LineStatus, RequestedBy
from bot.career.plan import SavedPlan, human_date
from bot.career.reflection import SavedReflection
from bot.career.sharing import Reader
from bot.slack import ids
from bot.slack.blocks.home import plan_summary, revised
from bot.slack.blocks.reflections import reflection_summary
from bot.slack.blocks.text import Blocks, Message, button, context, plain, section

TITLE = "Career plan"
WHAT_IT_MEANS = (
    "The manager is reminded when a career conversation is due: within the first month, then every "
    "3–6 months. The report's plan stays private unless the report chooses to share it."
)


def m(user_id: str) -> str:
    return f"<@{user_id}>"


def _yes_or_no(block_id: str, line: Line, yes: tuple[str, str], no: tuple[str, str]) -> dict[str, Any]:
    """Two buttons about a line (label, action_id): the first is the primary one; both carry the line's id."""
    return {
        "type": "actions",
        "block_id": block_id,
        "elements": [
            button(yes[0], yes[1], value=str(line.id), style="primary"),
            button(no[0], no[1], value=str(line.id)),
        ],
    }


def request_message(line: Line) -> Message:
    """The DM asking the invited party to Confirm or Decline."""
    if line.requested_by is RequestedBy.REPORT:
        text = f"{m(line.report)} says you are their manager. Is that right?"
    else:
        text = f"{m(line.manager)} would like to be your manager in careerplan. Is that right?"
    buttons = _yes_or_no(
        "line_answer", line, ("Confirm", ids.ACTION_LINE_CONFIRM), ("Decline", ids.ACTION_LINE_DECLINE)
    )
    return text, [section(text), context(WHAT_IT_MEANS), buttons]


def answered_message(line: Line, *, confirmed: bool) -> Message:
    """What the request DM becomes once answered (its buttons go)."""
    if confirmed:
        text = f"✅ Confirmed: {m(line.manager)} is {m(line.report)}'s manager."
    else:
        text = f"Declined: {m(line.manager)} is not {m(line.report)}'s manager here."
    return text, [section(text)]


def requester_note(line: Line, *, confirmed: bool) -> str:
    """The DM telling the person who asked how it went (a report who asked gets `share_question` instead)."""
    if confirmed:
        return f"{m(line.report)} confirmed that you are their manager. Their plan stays private unless they share it."
    if line.requested_by is RequestedBy.REPORT:
        return f"{m(line.manager)} declined to be your manager here."
    return f"{m(line.report)} declined your request to be their manager."


def share_question(line: Line) -> Message:
    """Asked of the report when a line becomes active: sharing never carries over from an old manager."""
    if line.requested_by is RequestedBy.REPORT:
        text = f"{m(line.manager)} confirmed that they are your manager. Share your career plan with them?"
    else:
        text = f"{m(line.manager)} is now your manager in careerplan. Share your career plan with them?"
    buttons = _yes_or_no(
        "share_question", line, ("Share my plan", ids.ACTION_SHARE), ("Keep it private", ids.ACTION_STOP_SHARING)
    )
    note = context(
        "Sharing lets them open your current plan and latest reflection while they are your manager. "
        "You can change this any time on the Home tab."
    )
    return text, [section(text), buttons, note]


def share_answer(line: Line) -> Message:
    """What the share question becomes once answered."""
    if line.shared:
        text = f"Your plan is shared with {m(line.manager)}. Stop any time on the Home tab."
    else:
        text = f"Your plan stays private. {m(line.manager)} sees only that it is not shared."
    return text, [section(text)]


def former_manager_note(line: Line) -> str:
    return f"{m(line.report)} has a new manager in careerplan, so you no longer see their plan."


def left_note(line: Line, leaver: str) -> Message:
    """The DM to the other person of a line that ended because `leaver` left Slack (no answers in it). A report
    whose manager left gets a button to name a new one."""
    if line.status is LineStatus.PENDING:
        text = f"The request between you and {m(leaver)} is closed: they have left Slack."
        return text, [section(text)]
    if leaver == line.report:
        text = (
            f"{m(leaver)} has left Slack, so they no longer report to you in careerplan. "
            "You won't get reminders about them any more."
        )
        return text, [section(text)]
    text = (
        f"{m(leaver)} has left Slack, so they are no longer your manager in careerplan, and no longer see your "
        f"plan. When you have a new manager, name them with `{ids.COMMAND} {ids.SUB_MANAGER} @name`."
    )
    return text, [
        section(text),
        {"type": "actions", "elements": [button("Name my new manager", ids.ACTION_NAME_MANAGER, style="primary")]},
    ]


def team_message(reports: list[Line], pending: list[Line], manager: Line | None, me: str) -> Blocks:
    """`/careerplan team`, answered privately: active reports with View plan, and open requests."""
    blocks: Blocks = []
    if reports:
        blocks.append(section(f"*Your reports* ({len(reports)})"))
        for line in reports[:40]:  # Slack allows 50 blocks per message
            since = human_date(line.started_on) if line.started_on else "recently"
            shared = "plan shared with you" if line.shared else "plan not shared"
            blocks.append(
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": f"{m(line.report)}: since {since}, every {line.cadence_months} months · {shared}",
                    },
                    "accessory": button("View plan", ids.ACTION_VIEW_PLAN, value=line.report),
                }
            )
        if len(reports) > 40:
            blocks.append(context(f"…and {len(reports) - 40} more."))
    else:
        blocks.append(section(f"No one reports to you in careerplan yet. Add someone with `{ids.COMMAND} add @name`."))
    if pending:
        lines = []
        for line in pending[:20]:
            if line.invited == me:
                lines.append(f"• {m(line.requester)} asked you to confirm; see your DM from me.")
            else:
                lines.append(f"• Waiting for {m(line.invited)} to confirm.")
        blocks.append(section("*Waiting for an answer*\n" + "\n".join(lines)))
    if manager is not None:
        blocks.append(context(f"Your manager here: {m(manager.manager)}."))
    return blocks


def report_plan_view(
    report: str,
    reader: Reader,
    saved: SavedPlan | None,
    reflection: SavedReflection | None,
    today: date,
    *,
    feedback: bool = False,
) -> dict[str, Any]:
    """A person's plan, read-only, in a modal only `reader` sees: the manager with the latest reflection; a
    viewer the person named, the current plan only (a reflection passed for them is not shown). With
    `feedback`, a Feedback button (its value names the version shown, as a hint the server re-checks)."""
    blocks: Blocks = [section(f"*{m(report)}'s career plan*")]
    if reader is Reader.VIEWER:
        blocks.append(context(f"{m(report)} shared their current plan with you, read-only, not their reflections."))
    if saved is None:
        blocks.append(section("They have not written a plan yet."))
    else:
        blocks += [*plan_summary(saved, today), revised(saved)]
        if feedback:
            value = plan_ref(report, saved.version)
            blocks.append({"type": "actions", "elements": [button("Feedback", ids.ACTION_FEEDBACK, value=value)]})
    if reflection is not None and reader.sees_reflection:
        blocks += [{"type": "divider"}, *reflection_summary(reflection, own=False)]
    return _modal(blocks[:100])


def not_shared_view(report: str) -> dict[str, Any]:
    """What a viewer sees when they may not see the plan: that it is not shared, and nothing more."""
    who = m(report) if report != "?" else "This person"
    return _modal([section(f"{who}'s career plan is not shared with you.")])


def _modal(blocks: Blocks) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.VIEW_REPORT_PLAN,
        "title": plain(TITLE),
        "close": plain("Close"),
        "blocks": blocks,
    }
