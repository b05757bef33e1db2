"""Asking key people for gaps: `/careerplan ask @name` and Home's Ask for gaps, the asked person's Suggest gaps and
Not now, Withdraw, and Add to my gaps."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.career.asks import Ask, check_ask
from bot.slack import ids
from bot.slack.blocks import asks as blocks
from bot.slack.blocks.text import Message
from bot.slack.listeners.context import (
    Command,
    Payload,
    Services,
    Table,
    dm,
    for_owner,
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
from bot.slack.listeners.lines import named_person, why_not_a_person
from bot.usecases.asks import Closed, Invalid
from bot.usecases.common import Refused, Who

ASK_ROLE = "asked for gaps"


def ask_command(command: Command) -> None:
    """`/careerplan ask @name` (or without a name): the ask form, with the person chosen already."""
    asked = named_person(command.args)
    if command.args and asked is None:
        command.reply(f"Name the person with an @-mention, like `{ids.COMMAND} {ids.SUB_ASK} @Ana`.")
        return
    if asked == command.who.user_id:
        command.reply(check_ask(asked, asked, "")[0].message)
        return
    if asked is not None:
        not_a_person = _why_not(command.client, command.who, asked, command.bot_user_id)
        if not_a_person is not None:
            command.reply(not_a_person)
            return
    shown = command.services.asks.what_they_see(command.who)
    if isinstance(shown, Refused):
        command.reply(shown.message)
        return
    if command.trigger_id is None:
        command.reply("Slack sent this command without a trigger, so I can't open the form. Try again?")
        return
    command.ack()
    open_modal(command.client, command.who, command.trigger_id, blocks.ask_view(shown.step_title, shown.goal, asked))


def ask_clicked(ack: Ack, body: Payload, client: WebClient, who: Who, services: Services) -> None:
    """Home's Ask for gaps: the ask form (or, with no next step to show, a private note)."""
    ack()
    trigger_id = trigger_of(body)
    shown = unless_refused(client, body, who, services.asks.what_they_see(who))
    if shown is not None and trigger_id is not None:
        open_modal(client, who, trigger_id, blocks.ask_view(shown.step_title, shown.goal))


def ask_submitted(
    ack: Ack, body: Payload, client: WebClient, context: BoltContext, who: Who, services: Services
) -> None:
    form = blocks.read_ask(state_values(view_of(body)))
    if form.asked is not None and form.asked != who.user_id:
        not_a_person = _why_not(client, who, form.asked, context.bot_user_id)
        if not_a_person is not None:
            ack(response_action="errors", errors={ids.BLOCK_ASK_WHO: not_a_person})
            return
    outcome = services.asks.ask(who, form.asked, show_goal=form.show_goal, note=form.note)
    if isinstance(outcome, Invalid):
        ack(response_action="errors", errors=blocks.error_messages(outcome.errors))
        return
    if isinstance(outcome, Refused):
        ack(response_action="errors", errors={ids.BLOCK_ASK_WHO: outcome.message})
        return
    ack(response_action="update", view=for_owner(notice_view(blocks.TITLE, blocks.asked_text(outcome.asked)), who))
    _deliver(client, services, who, outcome)


def suggest_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    """The asked person's Suggest gaps: the answer form, about this ask (re-checked again on submission)."""
    ack()
    trigger_id = trigger_of(body)
    ask = unless_refused(client, body, who, services.asks.to_answer(who, action.get("value")))
    if ask is not None and trigger_id is not None:
        open_modal(client, who, trigger_id, blocks.suggest_view(ask), subject=str(ask.id))


def suggest_submitted(ack: Ack, body: Payload, client: WebClient, who: Who, services: Services) -> None:
    view = view_of(body)
    gaps, encouragement = blocks.read_suggestions(state_values(view))
    outcome = services.asks.answer(who, subject_of(view), gaps, encouragement)
    if isinstance(outcome, Invalid):
        ack(response_action="errors", errors=blocks.error_messages(outcome.errors))
        return
    if isinstance(outcome, Refused):
        ack(response_action="update", view=for_owner(notice_view(blocks.SUGGEST_TITLE, outcome.message), who))
        return
    ack(response_action="update", view=for_owner(notice_view(blocks.SUGGEST_TITLE, closed_text(outcome.ask)), who))
    log.info("ask %d answered by %s/%s", outcome.ask.id, who.team_id, who.user_id)
    _update_dm(client, outcome, blocks.closed_message(outcome.ask))
    if outcome.suggestion is not None:
        dm(client, outcome.ask.asker, *blocks.suggestion_message(outcome.suggestion))
    publish_home(client, services, _asker(outcome.ask))


def not_now_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    outcome = unless_refused(client, body, who, services.asks.decline(who, action.get("value")))
    if outcome is None:
        return
    log.info("ask %d declined by %s/%s", outcome.ask.id, who.team_id, who.user_id)
    _update_dm(client, outcome, blocks.closed_message(outcome.ask))
    publish_home(client, services, _asker(outcome.ask))


def withdraw_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    """The asker's Withdraw: the asked person's DM loses its buttons, and an answer form still open is refused."""
    ack()
    outcome = unless_refused(client, body, who, services.asks.withdraw(who, action.get("value")))
    if outcome is None:
        return
    log.info("ask %d withdrawn by %s/%s", outcome.ask.id, who.team_id, who.user_id)
    _update_dm(client, outcome, blocks.closed_message(outcome.ask))
    publish_home(client, services, who)


def add_gap_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    outcome = unless_refused(client, body, who, services.asks.add_gap(who, action.get("value")))
    if outcome is None:
        return
    version = None if outcome.saved is None else outcome.saved.version
    tell(client, body, who, blocks.added_note(outcome.outcome, outcome.gap, version))
    publish_home(client, services, who)


def closed_text(ask: Ask) -> str:
    return blocks.closed_message(ask)[0]


def _why_not(client: WebClient, who: Who, user_id: str, own_bot: str | None) -> str | None:
    if user_id == who.user_id:
        return None  # the use case says why (with the form's other errors)
    return why_not_a_person(client, user_id, own_bot, ASK_ROLE)


def _deliver(client: WebClient, services: Services, who: Who, ask: Ask) -> None:
    """DM the asked person; if Slack will not deliver it, withdraw the ask and tell the asker."""
    where = dm(client, ask.asked, *blocks.ask_message(ask))
    if where is None:
        services.asks.withdraw_undelivered(ask.id)
        dm(client, who.user_id, f"I couldn't message {blocks.m(ask.asked)}, so I withdrew the ask.")
    else:
        services.asks.remember_message(ask.id, *where)
        log.info("ask %d sent by %s/%s", ask.id, who.team_id, who.user_id)
    publish_home(client, services, who)


def _update_dm(client: WebClient, outcome: Closed, message: Message) -> None:
    """Replace the asked person's DM, so its buttons cannot be clicked again."""
    if outcome.message is None:
        return
    channel, ts = outcome.message
    try:
        client.chat_update(channel=channel, ts=ts, text=message[0], blocks=message[1])
    except SlackApiError as exc:
        log.info("chat.update skipped for %s: %s", channel, exc.response.get("error"))


def _asker(ask: Ask) -> Who:
    return Who(team_id=ask.team_id, user_id=ask.asker)


ACTIONS: Table = [
    (ids.ACTION_ASK, ask_clicked),
    (ids.ACTION_SUGGEST, suggest_clicked),
    (ids.ACTION_NOT_NOW, not_now_clicked),
    (ids.ACTION_WITHDRAW_ASK, withdraw_clicked),
    (ids.ACTION_ADD_SUGGESTED_GAP, add_gap_clicked),
]
VIEW_SUBMISSIONS: Table = [(ids.VIEW_ASK, ask_submitted), (ids.VIEW_SUGGEST, suggest_submitted)]
