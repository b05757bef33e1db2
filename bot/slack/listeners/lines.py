"""Reporting lines (F3): `/careerplan manager|add|team`, Confirm / Decline, sharing, and View plan."""

from __future__ import annotations

import re

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.career.lines import Line, RequestedBy
from bot.slack import ids
from bot.slack.blocks import lines as blocks
from bot.slack.blocks.plans import saved_view
from bot.slack.blocks.welcome import NAME_MANAGER_TITLE, chosen_manager, name_manager_view
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
    trigger_of,
    unless_refused,
    view_of,
)
from bot.usecases.common import Refused, Who
from bot.usecases.lines import Answered, ReportPlan

# With `should_escape: true` in the manifest, Slack sends "@Ana" as "<@U0ANA|ana>" (or "<@U0ANA>").
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
BARE_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
ANSWERS = re.compile(f"^({re.escape(ids.ACTION_LINE_CONFIRM)}|{re.escape(ids.ACTION_LINE_DECLINE)})$")
SHARING = re.compile(f"^({re.escape(ids.ACTION_SHARE)}|{re.escape(ids.ACTION_STOP_SHARING)})$")
SLACKBOT = "USLACKBOT"
# users.info runs before the answer Slack waits 3 s for: if Slack is slower, the request goes ahead unchecked.
PERSON_CHECK_SECONDS = 2
LINE_ROLE = "managers or reports"
ITS_ME = f"That's me, careerplan: only people can be {LINE_ROLE}. Name a person."


def named_person(args: list[str]) -> str | None:
    """The Slack user id of the person named by the first argument, if it names one."""
    if not args:
        return None
    word = args[0]
    found = MENTION.match(word)
    if found:
        return found.group(1)
    return word if BARE_ID.match(word) else None


def manager_command(command: Command) -> None:
    _request(command, RequestedBy.REPORT, ids.SUB_MANAGER)


def add_command(command: Command) -> None:
    _request(command, RequestedBy.MANAGER, ids.SUB_ADD)


def _request(command: Command, asked_by: RequestedBy, subcommand: str) -> None:
    other = named_person(command.args)
    if other is None:
        command.reply(f"Name the person with an @-mention, like `{ids.COMMAND} {subcommand} @Ana`.")
        return
    not_a_person = why_not_a_person(command.client, other, command.bot_user_id)
    if not_a_person is not None:
        command.reply(not_a_person)
        return
    outcome = command.services.lines.request(command.who, other, asked_by)
    if isinstance(outcome, Refused):
        command.reply(outcome.message)
        return
    command.reply(asked_text(other))
    deliver_request(command.client, command.services, command.who, outcome)


def why_not_a_person(client: WebClient, user_id: str, own_bot: str | None, role: str = LINE_ROLE) -> str | None:
    """Why `user_id` can't be anyone's manager or report (or what `role` says, e.g. someone a plan is shared
    with), if Slack says it is no person of this workspace: this app, another app's bot, Slackbot, or nobody at
    all. None if it is a person, or if Slack did not answer in time (a request to a bot then fails at its DM and
    is withdrawn, as any undeliverable one)."""
    if user_id == own_bot:
        return f"That's me, careerplan: only people can be {role}. Name a person."
    if user_id == SLACKBOT:
        return f"That's Slackbot: only people can be {role} in careerplan. Name a person."
    quick = WebClient(token=client.token, base_url=client.base_url, timeout=PERSON_CHECK_SECONDS)
    try:
        user = quick.users_info(user=user_id).get("user")
    except SlackApiError as exc:
        if exc.response.get("error") == "user_not_found":
            return "I can't find that person in this workspace, so I asked no one. Name someone with an @-mention."
        log.info("users.info for %s failed: %s; the request goes ahead", user_id, exc.response.get("error"))
        return None
    except (SlackClientError, OSError) as exc:
        log.info("users.info for %s failed: %s; the request goes ahead", user_id, type(exc).__name__)
        return None
    if isinstance(user, dict) and (user.get("is_bot") is True or user.get("is_workflow_bot") is True):
        return f"{blocks.m(user_id)} is an app, not a person: only people can be {role}. Name a person."
    return None


def asked_text(other: str) -> str:
    return f"I've asked {blocks.m(other)} to confirm. I'll let you know when they answer."


def deliver_request(client: WebClient, services: Services, who: Who, line: Line) -> None:
    """DM the invited person the request to Confirm or Decline; if it cannot reach them, withdraw it."""
    text, message = blocks.request_message(line)
    where = dm(client, line.invited, text, message)
    if where is None:
        services.lines.withdraw_undelivered(line.id)
        dm(client, who.user_id, f"I couldn't message {blocks.m(line.invited)}, so I withdrew the request.")
        return
    services.lines.remember_request_message(line.id, *where)
    log.info("line %d requested by %s/%s", line.id, who.team_id, who.user_id)


def name_manager_clicked(ack: Ack, body: Payload, client: WebClient, who: Who) -> None:
    """The welcome DM's Name my manager: a modal to choose them."""
    ack()
    trigger_id = trigger_of(body)
    if trigger_id is not None:
        open_modal(client, who, trigger_id, name_manager_view())


def name_manager_submitted(
    ack: Ack, body: Payload, client: WebClient, context: BoltContext, who: Who, services: Services
) -> None:
    """The manager chosen: the same request as `/careerplan manager @name` (they confirm by a DM button)."""
    manager = chosen_manager(state_values(view_of(body)))
    if manager is None:
        ack(response_action="errors", errors={ids.BLOCK_MANAGER: "Choose your manager."})
        return
    not_a_person = why_not_a_person(client, manager, context.bot_user_id)
    if not_a_person is not None:
        ack(response_action="errors", errors={ids.BLOCK_MANAGER: not_a_person})
        return
    outcome = services.lines.request(who, manager, RequestedBy.REPORT)
    if isinstance(outcome, Refused):
        ack(response_action="errors", errors={ids.BLOCK_MANAGER: outcome.message})
        return
    ack(response_action="update", view=for_owner(notice_view(NAME_MANAGER_TITLE, asked_text(manager)), who))
    deliver_request(client, services, who, outcome)


def team_command(command: Command) -> None:
    team = command.services.lines.team(command.who)
    command.ack(
        text="Your team in careerplan",
        blocks=blocks.team_message(team.reports, team.pending, team.manager, command.who.user_id),
        response_type="ephemeral",
    )


def answered(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    confirm = action.get("action_id") == ids.ACTION_LINE_CONFIRM
    outcome = unless_refused(client, body, who, services.lines.answer(who, action.get("value"), confirm=confirm))
    if outcome is not None:
        _after_answer(client, services, body, outcome)


def sharing(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    shared = action.get("action_id") == ids.ACTION_SHARE
    outcome = unless_refused(client, body, who, services.lines.share(who, action.get("value"), shared=shared))
    if outcome is None:
        return
    log.info("line %d sharing %s by %s/%s", outcome.id, "on" if outcome.shared else "off", who.team_id, who.user_id)
    container = body.get("container")
    kind = container.get("type") if isinstance(container, dict) else None
    if kind == "message":
        _replace_message(client, body, *blocks.share_answer(outcome))
    elif kind == "view":
        _refresh_saved_view(client, services, body, who)
    publish_home(client, services, who)
    # The manager's bench shows the report from this moment, or no longer at all.
    publish_home(client, services, Who(team_id=outcome.team_id, user_id=outcome.manager))


def view_plan_clicked(
    ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services
) -> None:
    ack()
    trigger_id = trigger_of(body)
    if trigger_id is None:
        return
    outcome = services.lines.report_plan(who, action.get("value"))
    if isinstance(outcome, ReportPlan):
        view = blocks.report_plan_view(
            outcome.report,
            outcome.reader,
            outcome.saved,
            outcome.reflection,
            outcome.today,
            feedback=outcome.report != who.user_id,
        )
        log.info("plan of %s opened by %s/%s as %s", outcome.report, who.team_id, who.user_id, outcome.reader)
    else:
        view = blocks.not_shared_view(outcome.report)
    open_modal(client, who, trigger_id, view)


def _after_answer(client: WebClient, services: Services, body: Payload, outcome: Answered) -> None:
    line = outcome.line
    _replace_message(client, body, *blocks.answered_message(line, confirmed=outcome.confirmed))
    log.info("line %d %s", line.id, "confirmed" if outcome.confirmed else "declined")
    if not outcome.confirmed:
        dm(client, line.requester, blocks.requester_note(line, confirmed=False))
        return
    if line.requester != line.report:
        dm(client, line.requester, blocks.requester_note(line, confirmed=True))
    dm(client, line.report, *blocks.share_question(line))
    if outcome.ended is not None and outcome.ended.manager != line.manager:
        dm(client, outcome.ended.manager, blocks.former_manager_note(outcome.ended))
    publish_home(client, services, Who(team_id=line.team_id, user_id=line.report))
    # Both managers' teams and benches change now, not when they next open Home: the former one's loses the report.
    if outcome.ended is not None and outcome.ended.manager != line.manager:
        publish_home(client, services, Who(team_id=line.team_id, user_id=outcome.ended.manager))
    publish_home(client, services, Who(team_id=line.team_id, user_id=line.manager))


def _replace_message(client: WebClient, body: Payload, text: str, message: list[Payload]) -> None:
    """Replace the message whose button was clicked, so its buttons cannot be clicked again."""
    container = body.get("container")
    channel = container.get("channel_id") if isinstance(container, dict) else None
    ts = container.get("message_ts") if isinstance(container, dict) else None
    if not isinstance(channel, str) or not isinstance(ts, str):
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=message)
    except SlackApiError as exc:
        log.info("chat.update skipped for %s: %s", channel, exc.response.get("error"))


def _refresh_saved_view(client: WebClient, services: Services, body: Payload, who: Who) -> None:
    """Sharing changed from the wizard's last page: show the new state there too."""
    view = body.get("view")
    if not isinstance(view, dict) or view.get("type") != "modal" or not isinstance(view.get("id"), str):
        return
    view_id = view["id"]
    data = services.plans.home(who)
    if data.saved is None:
        return
    try:
        client.views_update(
            view_id=view_id, view=for_owner(saved_view(data.saved, data.manager_line, data.today, data.viewers), who)
        )
    except SlackApiError as exc:
        log.info("views.update skipped for %s/%s: %s", who.team_id, who.user_id, exc.response.get("error"))


ACTIONS: Table = [
    (ANSWERS, answered),
    (SHARING, sharing),
    (ids.ACTION_VIEW_PLAN, view_plan_clicked),
    (ids.ACTION_NAME_MANAGER, name_manager_clicked),
]
VIEW_SUBMISSIONS: Table = [(ids.VIEW_NAME_MANAGER, name_manager_submitted)]
