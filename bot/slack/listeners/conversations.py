"""Career conversations (F5): Log / Snooze / Skip from a reminder DM or Home, the log and skip modals,
experiment outcome buttons, and `/careerplan log @report`.

Thin: ack first, then one use case (which re-checks who may act), then answer Slack. Refusals are private:
an ephemeral note where the click happened, a DM, or the modal itself; never a channel message.
"""

from __future__ import annotations

import re

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import ids
from bot.slack.blocks.conversations import (
    LOG_TITLE,
    SKIP_TITLE,
    log_errors,
    log_view,
    logged_text,
    outcome_recorded_text,
    parse_log,
    parse_skip,
    report_logged_dm,
    skip_view,
    skipped_text,
    snoozed_text,
)
from bot.slack.blocks.text import context, section
from bot.slack.listeners.context import (
    Command,
    Payload,
    Services,
    T,
    Table,
    dm,
    log,
    notice_view,
    open_modal,
    publish_home,
    state_values,
    subject_of,
    tell,
    trigger_of,
    unless_refused,
    view_of,
)
from bot.slack.listeners.lines import named_person
from bot.usecases.common import Refused, Who
from bot.usecases.conversations import Invalid, Logged, LogStart, Skipped

OUTCOMES = re.compile(f"^{re.escape(ids.ACTION_OUTCOME_PREFIX)}")
NOT_OPENED = "Sorry, Slack did not open the form in time, so nothing changed. Please click again."


def log_command(command: Command) -> None:
    """`/careerplan log @report`: the log modal for one of the caller's reports."""
    report = named_person(command.args)
    if report is None:
        command.reply(f"Name the person you talked with, like `{ids.COMMAND} {ids.SUB_LOG} @Ana`.")
        return
    if not command.trigger_id:
        command.reply("Slack sent this command without a trigger, so I can't open the form. Try again?")
        return
    start = command.services.conversations.open_log_for_report(command.who, report)
    if isinstance(start, Refused):
        command.reply(start.message)
        return
    command.ack()
    _open_log(command.client, command.who, command.trigger_id, start)


def _open_log(client: WebClient, who: Who, trigger_id: str, start: LogStart) -> None:
    view = log_view(start.report, start.today, start.form, start.default_months)
    if not open_modal(client, who, trigger_id, view, subject=str(start.line_id)):
        dm(client, who.user_id, NOT_OPENED)


def log_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    trigger_id = trigger_of(body)
    start = trigger_id and unless_refused(client, body, who, services.conversations.open_log(who, action.get("value")))
    if trigger_id and start:
        _open_log(client, who, trigger_id, start)


def skip_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    trigger_id = trigger_of(body)
    start = trigger_id and unless_refused(client, body, who, services.conversations.open_skip(who, action.get("value")))
    if not trigger_id or not start:
        return
    if not open_modal(client, who, trigger_id, skip_view(start.report, start.due_on), subject=str(start.line_id)):
        dm(client, who.user_id, NOT_OPENED)


def snooze_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    outcome = unless_refused(client, body, who, services.conversations.snooze(who, action.get("value")))
    if outcome is None:
        return
    log.info("nudge %s snoozed by %s/%s", _cut(action.get("value")), who.team_id, who.user_id)
    text = snoozed_text(outcome.report, outcome.until)
    if not _update_clicked(client, body, text, [section(text)]):
        tell(client, body, who, text)


def outcome_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    action_id = action.get("action_id")
    chosen = action_id[len(ids.ACTION_OUTCOME_PREFIX) :] if isinstance(action_id, str) else None
    outcome = unless_refused(client, body, who, services.conversations.answer_outcome(who, action.get("value"), chosen))
    if outcome is None:
        return
    log.info("experiment %d: %s answered", outcome.experiment.id, outcome.by.value)
    text = outcome_recorded_text(outcome.outcome, what=outcome.experiment.what)
    if not _answer_in_place(client, body, action, text):
        tell(client, body, who, text)


def log_submitted(ack: Ack, body: Payload, client: WebClient, who: Who, services: Services) -> None:
    view = view_of(body)
    outcome = _accepted(
        ack, LOG_TITLE, services.conversations.log(who, subject_of(view), parse_log(state_values(view)))
    )
    if outcome is None:
        return
    text = logged_text(
        outcome.report, outcome.conversation.held_on, outcome.next_due_on, outcome.conversation.experiments
    )
    ack(response_action="update", view=notice_view(LOG_TITLE, text))
    log.info("conversation %d logged on line %d", outcome.conversation.id, outcome.line_id)
    _after_logged(client, services, who, outcome, text)


def skip_submitted(ack: Ack, body: Payload, client: WebClient, who: Who, services: Services) -> None:
    view = view_of(body)
    outcome = _accepted(
        ack, SKIP_TITLE, services.conversations.skip(who, subject_of(view), parse_skip(state_values(view)))
    )
    if outcome is None:
        return
    text = skipped_text(outcome.report, outcome.next_due_on)
    ack(response_action="update", view=notice_view(SKIP_TITLE, text))
    log.info("cycle skipped on line %d", outcome.line_id)
    _after_skipped(client, services, who, outcome, text)


def _accepted(ack: Ack, title: str, outcome: T | Invalid | Refused) -> T | None:
    """The outcome of a form that went through; or None once the form shows its field errors, or why nothing
    changed."""
    if isinstance(outcome, Invalid):
        ack(response_action="errors", errors=log_errors(outcome.errors))
        return None
    if isinstance(outcome, Refused):
        ack(response_action="update", view=notice_view(title, outcome.message))
        return None
    return outcome


def _after_logged(client: WebClient, services: Services, who: Who, outcome: Logged, text: str) -> None:
    for channel, ts in outcome.reminders:
        _update(client, channel, ts, text, [section(text)])
    dm(client, outcome.report, *report_logged_dm(outcome.manager, outcome.for_report))
    publish_home(client, services, who)


def _after_skipped(client: WebClient, services: Services, who: Who, outcome: Skipped, text: str) -> None:
    for channel, ts in outcome.reminders:
        _update(client, channel, ts, text, [section(text)])
    publish_home(client, services, who)


def _update(client: WebClient, channel: str, ts: str, text: str, blocks: list[Payload]) -> bool:
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as exc:
        log.info("chat.update skipped for %s: %s", channel, exc.response.get("error"))
        return False
    return True


def _clicked_message(body: Payload) -> tuple[str, str] | None:
    """Where the clicked message is (channel, ts), from `container` (or `channel` + `message.ts`)."""
    container = body.get("container")
    if not isinstance(container, dict) or container.get("type") != "message" or container.get("is_ephemeral"):
        return None
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if not isinstance(channel, str):
        where = body.get("channel")
        channel = where.get("id") if isinstance(where, dict) else None
    if not isinstance(ts, str):
        message = body.get("message")
        ts = message.get("ts") if isinstance(message, dict) else None
    if isinstance(channel, str) and channel and isinstance(ts, str) and ts:
        return channel, ts
    return None


def _update_clicked(client: WebClient, body: Payload, text: str, blocks: list[Payload]) -> bool:
    """Replace the message whose button was clicked, so its buttons cannot be clicked again."""
    where = _clicked_message(body)
    return where is not None and _update(client, *where, text, blocks)


def _answer_in_place(client: WebClient, body: Payload, action: Payload, text: str) -> bool:
    """Replace only the clicked experiment's buttons with the answer: the message may ask about several."""
    message = body.get("message")
    blocks = message.get("blocks") if isinstance(message, dict) else None
    block_id = action.get("block_id")
    if not isinstance(blocks, list) or not isinstance(block_id, str):
        return False
    answered = [
        context(text) if isinstance(block, dict) and block.get("block_id") == block_id else block for block in blocks
    ]
    if answered == blocks:
        return False
    summary = message.get("text") if isinstance(message, dict) else None
    return _update_clicked(client, body, summary if isinstance(summary, str) and summary else text, answered)


def _cut(value: object) -> str:
    """A clicked value for the logs: short, whatever was sent."""
    return str(value)[:20]


ACTIONS: Table = [
    (ids.ACTION_LOG, log_clicked),
    (ids.ACTION_SKIP, skip_clicked),
    (ids.ACTION_SNOOZE, snooze_clicked),
    (OUTCOMES, outcome_clicked),
]
VIEW_SUBMISSIONS: Table = [(ids.VIEW_LOG, log_submitted), (ids.VIEW_SKIP, skip_submitted)]
