"""Feedback on a shared plan: the Feedback button of the plan's view pushes the form; sending it DMs the employee.

Thin: ack, one use case (which checks again who may read the plan), then answer Slack. Refusals are private:
a notice in the modal itself (or, without one, a DM to the person who clicked). Nothing goes to a channel.
"""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.career.feedback import plan_ref
from bot.slack import ids
from bot.slack.blocks.feedback import (
    TITLE,
    feedback_dm,
    feedback_errors,
    feedback_view,
    read_feedback,
    sent_text,
)
from bot.slack.blocks.lines import m
from bot.slack.listeners.context import (
    Payload,
    Services,
    Table,
    dm,
    log,
    notice_view,
    publish_home,
    push_modal,
    state_values,
    subject_of,
    tell,
    trigger_of,
    view_of,
)
from bot.usecases.common import Refused, Who
from bot.usecases.feedback import Invalid


def feedback_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    """Feedback, in the plan's view: the form on top of it, if `who` may read that plan now."""
    ack()
    trigger_id = trigger_of(body)
    if trigger_id is None:
        return
    start = services.feedback.start(who, action.get("value"))
    if isinstance(start, Refused):
        if not push_modal(client, who, trigger_id, notice_view(TITLE, start.message)):
            tell(client, body, who, start.message)
        return
    view = feedback_view(start.report, start.version)
    if not push_modal(client, who, trigger_id, view, subject=plan_ref(start.report, start.version)):
        tell(client, body, who, "Sorry, Slack did not open the form in time, so nothing was sent. Please click again.")


def feedback_submitted(ack: Ack, body: Payload, client: WebClient, who: Who, services: Services) -> None:
    view = view_of(body)
    outcome = services.feedback.send(who, subject_of(view), read_feedback(state_values(view)))
    if isinstance(outcome, Invalid):
        ack(response_action="errors", errors=feedback_errors(outcome.message))
        return
    if isinstance(outcome, Refused):
        ack(response_action="update", view=notice_view(TITLE, outcome.message))
        return
    note = outcome.note
    ack(
        response_action="update", view=notice_view(TITLE, sent_text(note.report, note.version, outcome.current_version))
    )
    log.info(
        "feedback %d on version %d of %s's plan, by %s/%s", note.id, note.version, note.report, who.team_id, who.user_id
    )
    where = dm(client, note.report, *feedback_dm(note))
    if where is None:
        tell(
            client,
            body,
            who,
            f"I couldn't message {m(note.report)} just now. Your feedback is kept: they see it on their Home tab.",
        )
    else:
        services.feedback.remember_dm(note.id, *where)
    publish_home(client, services, Who(team_id=who.team_id, user_id=note.report))


ACTIONS: Table = [(ids.ACTION_FEEDBACK, feedback_clicked)]
VIEW_SUBMISSIONS: Table = [(ids.VIEW_FEEDBACK, feedback_submitted)]
