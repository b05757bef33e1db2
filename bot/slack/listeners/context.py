"""What listeners share: the use cases, the middleware that says who is acting, and replying.

`acting_person` runs before every listener: it reads who is acting from Slack's payload (never from a value a
client sent), refuses a request that names no one, refuses a modal submitted or clicked by someone it was
not opened for, and lets a request through only the first time (a replay or a retry is acknowledged, unseen).
Listeners then receive `who` and `services` as Bolt keyword arguments. The workspace events (`app_uninstalled`,
`tokens_revoked`) name no one: they alone pass without `who`, with `team_id` instead."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from slack_bolt import Ack, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.career.lines import Line
from bot.slack import ids
from bot.slack.blocks.asks import SUGGEST_TITLE
from bot.slack.blocks.asks import TITLE as ASK_TITLE
from bot.slack.blocks.availability import TITLE as REMINDER_SETTINGS_TITLE
from bot.slack.blocks.conversations import LOG_TITLE, SKIP_TITLE
from bot.slack.blocks.feedback import TITLE as FEEDBACK_TITLE
from bot.slack.blocks.gaps import CLOSE_TITLE
from bot.slack.blocks.home import home_view
from bot.slack.blocks.own_data import DELETE_TITLE
from bot.slack.blocks.plans import TITLE as PLAN_TITLE
from bot.slack.blocks.reflections import TITLE as REFLECT_TITLE
from bot.slack.blocks.sharing import SHARE_WITH_TITLE
from bot.slack.blocks.welcome import NAME_MANAGER_TITLE
from bot.slack.listeners.handoff import after_listener, left_over
from bot.usecases.admins import Admins
from bot.usecases.asks import Asks
from bot.usecases.availability import Availability
from bot.usecases.common import Refused, Who
from bot.usecases.conversations import Conversations
from bot.usecases.feedback import Feedback
from bot.usecases.lines import Lines
from bot.usecases.own_data import OwnData
from bot.usecases.people import People
from bot.usecases.plans import Plans
from bot.usecases.reflections import Reflections
from bot.usecases.requests import Requests
from bot.usecases.workspaces import Workspaces

log = logging.getLogger("careerplan")

# A payload's parts as Bolt hands them to a listener (body, action, event, view).
Payload = dict[str, Any]

# Each listener module's table of one kind: what Bolt matches (an id, or a pattern of ids) and the listener.
Table = list[tuple[str | re.Pattern[str], Callable[..., None]]]


@dataclass(frozen=True)
class Services:
    plans: Plans
    lines: Lines
    reflections: Reflections
    own_data: OwnData
    conversations: Conversations
    people: People
    availability: Availability
    workspaces: Workspaces
    requests: Requests
    feedback: Feedback
    asks: Asks
    admins: Admins
    welcome: bool = False  # CAREERPLAN_WELCOME: joiners and first-time Home visitors get a welcome DM


@dataclass(frozen=True)
class Command:
    """One `/careerplan <subcommand> …` call, for the subcommand's handler (which must ack)."""

    ack: Ack
    client: WebClient
    services: Services
    who: Who
    trigger_id: str | None
    args: list[str] = field(default_factory=list)
    bot_user_id: str | None = None  # the app's own bot user, which nobody can name as a manager or report

    def reply(self, text: str) -> None:
        """Answer privately, in the HTTP acknowledgement itself (no extra API call, no channel post)."""
        self.ack(text=text, response_type="ephemeral")


def who_from(body: dict[str, Any]) -> Who | None:
    """The acting user and their workspace, from the fields Slack sets (payloads differ by kind)."""
    event = body.get("event")
    if body.get("type") == "event_callback" and isinstance(event, dict):
        # The person the event is about: an id (app_home_opened), or their user object (user_change).
        user_id, team_id = event.get("user"), body.get("team_id")
        if isinstance(user_id, dict):
            user_id = user_id.get("id")
        if isinstance(user_id, str) and user_id and isinstance(team_id, str) and team_id:
            return Who(team_id=team_id, user_id=user_id)
        return None
    user = body.get("user")
    user_id = user.get("id") if isinstance(user, dict) else body.get("user_id")
    team = body.get("team")
    team_id = team.get("id") if isinstance(team, dict) else body.get("team_id")
    if not team_id and isinstance(user, dict):
        team_id = user.get("team_id")
    if isinstance(user_id, str) and user_id and isinstance(team_id, str) and team_id:
        return Who(team_id=team_id, user_id=user_id)
    return None


def request_key(body: dict[str, Any]) -> str:
    """What makes this request itself, the same in a replay or a retry of it and different for anything else a
    person does: the event's id (Slack's retries keep it); the trigger_id Slack makes for each command, click and
    submission (a form sent again after a failure has a new one); else the whole payload, which a replay must
    repeat byte for byte for its signature to hold. Hashed, so the key says nothing of what was sent."""
    event_id = body.get("event_id")
    trigger_id = trigger_of(body)
    if body.get("type") == "event_callback" and isinstance(event_id, str) and event_id:
        identity = f"event:{event_id}"
    elif trigger_id is not None:
        identity = f"trigger:{trigger_id}"
    else:
        identity = "payload:" + json.dumps(body, sort_keys=True, default=str)
    return hashlib.sha256(identity.encode()).hexdigest()


def view_of(body: dict[str, Any]) -> dict[str, Any]:
    """The view a payload came from (view_submission, view_closed, or a click in a modal or Home)."""
    view = body.get("view")
    return view if isinstance(view, dict) else {}


def state_values(view: dict[str, Any]) -> dict[str, Any]:
    """`view.state.values`, or {} when Slack left it out."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    return values if isinstance(values, dict) else {}


def publish_home(client: WebClient, services: Services, who: Who) -> None:
    try:
        data = services.plans.home(who)
        workspace = services.admins.home_counts(who)  # None unless an admin: nobody else sees the section
        if workspace is not None:
            data = replace(data, workspace=workspace)
        client.views_publish(user_id=who.user_id, view=home_view(data))
    except SlackApiError as exc:
        log.warning("views.publish failed for %s/%s: %s", who.team_id, who.user_id, exc.response.get("error"))


def publish_bench(client: WebClient, services: Services, line: Line | None) -> None:
    """What a report shares changed (their plan, their reflection, or whether they share): `line` is their active
    line as it was before the change; if it was shared, its manager's Home (whose bench shows them) is published
    again, so the manager sees the change now, and never what is no longer shared."""
    if line is not None and line.shared:
        publish_home(client, services, Who(team_id=line.team_id, user_id=line.manager))


T = TypeVar("T")


def trigger_of(body: dict[str, Any]) -> str | None:
    """The trigger_id a click or command came with (needed to open a modal within 3 s), if any."""
    trigger_id = body.get("trigger_id")
    return trigger_id if isinstance(trigger_id, str) and trigger_id else None


def unless_refused(client: WebClient, body: dict[str, Any], who: Who, outcome: T | Refused) -> T | None:
    """The use case's outcome; or, if it refused, None once the person has been told why, privately."""
    if isinstance(outcome, Refused):
        tell(client, body, who, outcome.message)
        return None
    return outcome


def tell(client: WebClient, body: dict[str, Any], who: Who, text: str) -> None:
    """A private note to the person who clicked, where they clicked (an ephemeral message, or a DM).

    Used to refuse an action clearly: it changes nothing and shows no one else's answers.
    """
    channel = body.get("channel")
    channel_id = channel.get("id") if isinstance(channel, dict) else None
    try:
        if isinstance(channel_id, str) and channel_id:
            client.chat_postEphemeral(channel=channel_id, user=who.user_id, text=text)
        else:
            client.chat_postMessage(channel=who.user_id, text=text)
    except SlackApiError as exc:
        log.warning("could not tell %s/%s: %s", who.team_id, who.user_id, exc.response.get("error"))


NOT_REACHED_DATABASE = (
    "Sorry, I couldn't reach my database just now, so I couldn't finish that. Please try again in a minute."
)
SOMETHING_FAILED = (
    "Sorry, something went wrong on my side, so I couldn't finish that. Please try again; "
    "if it keeps happening, tell your Slack admin."
)


def tell_failure(client: WebClient | None, body: dict[str, Any], *, database_unreachable: bool) -> None:
    """After a listener failed: tell the person who asked, privately, that it did not go through.

    Out of band (an ephemeral note where they clicked, else a DM), because the HTTP answer may be gone:
    Slack waits 3 s, and a locked SQLite gives up after 5. `database_unreachable`: the unit of work was rolled
    back because the database did not answer, so trying again in a minute will do. Only a command, a click or a
    submitted form asked for something; opening Home or closing a form did not, and a note would only puzzle."""
    who = who_from(body)
    asked = "command" in body or body.get("type") in ("block_actions", "view_submission")
    if client is None or who is None or not asked:
        return
    text = NOT_REACHED_DATABASE if database_unreachable else SOMETHING_FAILED
    try:
        tell(client, body, who, text)
    except (SlackClientError, OSError) as exc:  # Slack unreachable too: the log is all that is left
        log.warning("could not tell %s/%s of a failure: %s", who.team_id, who.user_id, type(exc).__name__)


def dm(
    client: WebClient, user_id: str, text: str, blocks: list[dict[str, Any]] | None = None
) -> tuple[str, str] | None:
    """Send a direct message from the bot; returns where it landed (channel, ts) to update it later."""
    try:
        answer = client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
    except SlackApiError as exc:
        log.warning("DM to %s failed: %s", user_id, exc.response.get("error"))
        return None
    channel, ts = answer.get("channel"), answer.get("ts")
    return (channel, ts) if isinstance(channel, str) and isinstance(ts, str) else None


def upload_to_dm(
    client: WebClient, who: Who, *, what: str, content: str, filename: str, title: str, comment: str
) -> str | None:
    """Share a file in the bot's DM with `who` (files_upload_v2): its id ("" if Slack named none), or None once the
    failure is logged (ids and Slack's error code only: never the file's content). `what` names it in the log."""
    try:
        opened = client.conversations_open(users=who.user_id)
        channel = opened.get("channel")
        dm_id = channel.get("id") if isinstance(channel, dict) else None
        if not isinstance(dm_id, str) or not dm_id:
            raise ValueError("conversations.open answered without a channel id")
        sent = client.files_upload_v2(
            channel=dm_id, content=content, filename=filename, title=title, initial_comment=comment
        )
    except (SlackClientError, OSError, ValueError) as exc:
        code = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("%s for %s/%s not sent: %s", what, who.team_id, who.user_id, code)
        return None
    file = sent.get("file")
    file_id = file.get("id") if isinstance(file, dict) else None
    return str(file_id) if file_id else ""


def open_modal(client: WebClient, who: Who, trigger_id: str, view: dict[str, Any], subject: str | None = None) -> bool:
    """Open `view` as `who`'s modal (marked as theirs, and about `subject` if given). False if Slack refused
    (e.g. the trigger expired)."""
    try:
        client.views_open(trigger_id=trigger_id, view=for_owner(view, who, subject))
    except SlackApiError as exc:
        log.warning("views.open failed for %s/%s: %s", who.team_id, who.user_id, exc.response.get("error"))
        return False
    return True


def push_modal(client: WebClient, who: Who, trigger_id: str, view: dict[str, Any], subject: str | None = None) -> bool:
    """Push `view` over the modal clicked in (marked as `who`'s, as `open_modal` does). False if Slack refused (no
    modal under it, the trigger expired, three views already)."""
    try:
        client.views_push(trigger_id=trigger_id, view=for_owner(view, who, subject))
    except SlackApiError as exc:
        log.warning("views.push failed for %s/%s: %s", who.team_id, who.user_id, exc.response.get("error"))
        return False
    return True


# private_metadata is "OWNER" or "OWNER|SUBJECT" (e.g. "U123|42": the reporting line a log modal is about).
SUBJECT_SEPARATOR = "|"


def for_owner(view: dict[str, Any], who: Who, subject: str | None = None) -> dict[str, Any]:
    """The modal, marked as the acting person's: submissions by anyone else are refused (see `owned_by`).

    `subject` names what the modal acts on (a line id); it is only a hint, re-checked on submission.
    """
    metadata = who.user_id if subject is None else f"{who.user_id}{SUBJECT_SEPARATOR}{subject}"
    return {**view, "private_metadata": metadata}


def owned_by(view: dict[str, Any], who: Who) -> bool:
    """Whether a submitted modal was opened for `who` (a replayed or forwarded payload is not)."""
    metadata = view.get("private_metadata")
    if not isinstance(metadata, str):
        return False
    return metadata.split(SUBJECT_SEPARATOR, 1)[0] == who.user_id


def subject_of(view: dict[str, Any]) -> str | None:
    """What the modal was opened about (see `for_owner`), or None if it names nothing."""
    metadata = view.get("private_metadata")
    if not isinstance(metadata, str) or SUBJECT_SEPARATOR not in metadata:
        return None
    return metadata.split(SUBJECT_SEPARATOR, 1)[1]


def not_yours_view(title: str) -> dict[str, Any]:
    """What a person sees when they submit a modal that was opened for someone else. Nothing changes."""
    return notice_view(title, "This form was opened for someone else, so nothing was changed.")


def notice_view(title: str, markdown: str) -> dict[str, Any]:
    """A modal that only says something (already escaped mrkdwn): an outcome, or why nothing changed."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": markdown[:3000]}}],
    }


# --- The middleware ---------------------------------------------------------------------------------------

Middleware = Callable[[Ack, dict[str, Any], BoltContext, Callable[[], None]], BoltResponse | None]

# The title a refusal shows, by the modal's callback_id (a payload's own title is not to be trusted).
MODAL_TITLES = {
    **dict.fromkeys(ids.WIZARD_VIEWS, PLAN_TITLE),
    ids.VIEW_REFLECT: REFLECT_TITLE,
    ids.VIEW_LOG: LOG_TITLE,
    ids.VIEW_SKIP: SKIP_TITLE,
    ids.VIEW_DELETE: DELETE_TITLE,
    ids.VIEW_REMINDER_SETTINGS: REMINDER_SETTINGS_TITLE,
    ids.VIEW_NAME_MANAGER: NAME_MANAGER_TITLE,
    ids.VIEW_CLOSE_GAP: CLOSE_TITLE,
    ids.VIEW_FEEDBACK: FEEDBACK_TITLE,
    ids.VIEW_SHARE_WITH: SHARE_WITH_TITLE,
    ids.VIEW_ASK: ASK_TITLE,
    ids.VIEW_SUGGEST: SUGGEST_TITLE,
}
NO_ONE_COMMAND = "Slack sent this command without saying who you are, so I did nothing. Try again?"
NO_ONE_FORM = (
    f"Slack sent this form without saying who you are, so nothing was saved. Please open it again with `{ids.COMMAND}`."
)


def acting_person(services: Services, in_background: Callable[[Callable[[], None]], object]) -> Middleware:
    """Bolt middleware: put `who` and `services` in the context, or answer and stop (nothing changes).

    `in_background` runs work off the request's thread (Bolt's listener executor): no database call delays an
    acknowledgement, which Slack wants within 3 s even while the database is slow. The work that needs no
    answer (a workspace back from inactive) waits for the listener to be done (`handoff.after_listener`)."""

    def identify(ack: Ack, body: dict[str, Any], context: BoltContext, next: Callable[[], None]) -> BoltResponse | None:
        team_id = workspace_event_team(body)
        if team_id is not None:
            if not _first_time(services, team_id, body):
                return ack()
            context["team_id"] = team_id
            context["services"] = services
            next()
            return None
        # The workspace the bot's token is for (Bolt's auth.test, never the payload): where admins are admins.
        authorized = context.authorize_result
        services.admins.installed_in(authorized.team_id if authorized is not None else None)
        who = who_from(body)
        view = view_of(body)
        if who is None:
            return _refuse_no_one(ack, body, view)
        if _is_modal(body, view) and not owned_by(view, who):
            return _refuse_not_theirs(ack, body, view, who)
        if not _first_time(services, who.team_id, body):
            return ack()
        # Slack sends a person's request only while the app is installed: a workspace marked inactive is back.
        after_listener(context, lambda: _reactivate(services, who.team_id))
        context["who"] = who
        context["services"] = services
        next()
        for work in left_over(context):  # no listener took the request
            in_background(work)
        return None

    return identify


def _first_time(services: Services, team_id: str, body: dict[str, Any]) -> bool:
    """Whether the request is new; a replay or a retry is logged (ids only) and then only acknowledged: its
    sender learns nothing, and nobody is sent anything again."""
    if services.requests.first_time(team_id, request_key(body)):
        return True
    kind = body.get("type") or ("command" if "command" in body else "request")
    log.info("%s for %s already handled: a replay or a retry, ignored", str(kind)[:30], team_id[:32])
    return False


def _reactivate(services: Services, team_id: str) -> None:
    was = services.workspaces.reactivate(team_id)
    if was is not None:
        log.info("workspace %s active again (inactive since %s: %s)", team_id, was.since, was.reason)


def workspace_event_team(body: dict[str, Any]) -> str | None:
    """The workspace an `app_uninstalled` or `tokens_revoked` event is about, if the body is one."""
    event = body.get("event")
    team_id = body.get("team_id")
    if (
        body.get("type") == "event_callback"
        and isinstance(event, dict)
        and event.get("type") in ids.WORKSPACE_EVENTS
        and isinstance(team_id, str)
        and team_id
    ):
        return team_id
    return None


def _refuse_no_one(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> BoltResponse:
    if "command" in body:
        return ack(text=NO_ONE_COMMAND, response_type="ephemeral")
    if body.get("type") == "view_submission":
        return ack(response_action="update", view=notice_view(_title(view), NO_ONE_FORM))
    return ack()


def _refuse_not_theirs(ack: Ack, body: dict[str, Any], view: dict[str, Any], who: Who) -> BoltResponse:
    """A modal replayed or forwarded: a submission is told so in the modal; a click or a close does nothing."""
    log.warning(
        "%s refused: modal %s opened for %r, used by %s",
        body.get("type"),
        str(view.get("callback_id"))[:40],
        str(view.get("private_metadata"))[:40],
        who.user_id,
    )
    if body.get("type") == "view_submission":
        return ack(response_action="update", view=not_yours_view(_title(view)))
    return ack()


def _is_modal(body: dict[str, Any], view: dict[str, Any]) -> bool:
    """A submission or close always comes from a modal; a click, from a modal unless it is on Home."""
    return body.get("type") in ("view_submission", "view_closed") or (bool(view) and view.get("type") != "home")


def _title(view: dict[str, Any]) -> str:
    callback_id = view.get("callback_id")
    return MODAL_TITLES.get(callback_id, "careerplan") if isinstance(callback_id, str) else "careerplan"
