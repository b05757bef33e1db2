"""The welcome DM (CAREERPLAN_WELCOME=on), driven by Slack's real `team_join` payload and App Home opens,
signed and sent over HTTP: one DM per person ever (a replay, a Home open after joining, two events racing),
none to bots, Slackbot or deactivated accounts, and none at all, nothing stored, with the setting off. Its
buttons write a plan and name a manager (who confirms, as with `/careerplan manager @name`)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import create_app
from bot.slack.blocks.welcome import chosen_manager, name_manager_view, welcome_message
from bot.slack.listeners.lines import ITS_ME, why_not_a_person
from storage import people
from storage.db import Database
from tests import builders
from tests.botserver import serving, wait_for_listeners
from tests.clock import Clock
from tests.fakeslack import BOT_USER_ID, Call, FakeResponse, FakeSlack
from tests.slackbot import SECRET, Bot, Modal, click, dms_to, line_of, next_dm
from tests.slackhttp import SlackSender, app_home_opened, load_fixture
from tests.slackstate import assert_slack_accepts, state_from_initial

TEAM, JOINER = "T123ABC456", "U1234567"  # as in the fixture
BOSS = "U0BOSS"


def team_join(**user: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = copy.deepcopy(load_fixture("events/team_join_slack_doc_shape.json"))
    envelope["event"]["user"].update(user)
    return envelope


@pytest.fixture(params=["on", "off"])
def welcome(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def serve(db: Database, clock: Clock, slack: FakeSlack, welcome: str) -> Any:
    settings = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.url,
            "CAREERPLAN_WELCOME": welcome,
        }
    )
    return create_app(settings, db, clock=clock)


@pytest.fixture
def bot(db: Database, clock: Clock) -> Iterator[Bot]:
    """The bot with CAREERPLAN_WELCOME=on."""
    with FakeSlack() as slack:
        app = serve(db, clock, slack, "on")
        with serving(app) as url:
            yield Bot(slack, SlackSender(url + "/slack/events", SECRET), db, clock, url)
            wait_for_listeners(app)


def welcomed_at(db: Database, user: str = JOINER) -> object:
    with db.session() as session:
        person = people.find_person_id(session, TEAM, user)
        return "not stored" if person is None else people.welcomed_at(session, person)


def actions(call: Call) -> list[str]:
    return [e["action_id"] for b in call.params["blocks"] if b["type"] == "actions" for e in b["elements"]]


def run(db: Database, clock: Clock, slack: FakeSlack, welcome: str, *envelopes: dict[str, Any]) -> None:
    """Serve the bot, send the envelopes (at once, so their listeners race), and wait for every listener."""
    app = serve(db, clock, slack, welcome)
    with serving(app) as url:
        send = SlackSender(url + "/slack/events", SECRET)
        for envelope in envelopes:
            assert send.event(envelope).status == 200
        wait_for_listeners(app)


def test_a_joiner_is_welcomed_once_whatever_slack_sends_again(db: Database, clock: Clock, welcome: str) -> None:
    with FakeSlack() as slack:
        # Two copies at once (Slack's retry racing the original), then a replay, then their first Home open.
        run(db, clock, slack, welcome, team_join(), team_join())
        clock.advance(minutes=1)
        run(db, clock, slack, welcome, team_join(), app_home_opened(JOINER, TEAM))
        dms = slack.messages_to(JOINER)
        if welcome == "off":
            assert dms == []
            assert welcomed_at(db) == "not stored"  # nothing stored that was not stored before
            return
        assert len(dms) == 1
        assert welcomed_at(db) == clock() - timedelta(minutes=1)
        (dm,) = dms
        assert actions(dm) == [ids.ACTION_EDIT_PLAN, ids.ACTION_NAME_MANAGER]
        text = str(dm.params["blocks"])
        assert "private" in text and "only while you report to them" in text and "channel" in text


@pytest.mark.parametrize(
    "user",
    [
        {"is_bot": True},
        {"deleted": True},
        {"id": "USLACKBOT", "is_bot": False},
    ],
    ids=["a bot", "a deactivated account", "Slackbot"],
)
def test_no_welcome_to_bots_slackbot_or_deactivated_accounts(db: Database, clock: Clock, user: dict[str, Any]) -> None:
    with FakeSlack() as slack:
        run(db, clock, slack, "on", team_join(**user))
        assert slack.messages == []
    assert welcomed_at(db, user.get("id", JOINER)) == "not stored"


def test_a_first_home_open_is_welcomed_once(db: Database, clock: Clock, welcome: str) -> None:
    with FakeSlack() as slack:
        run(db, clock, slack, welcome, app_home_opened(JOINER, TEAM))
        run(db, clock, slack, welcome, app_home_opened(JOINER, TEAM), app_home_opened(JOINER, TEAM))
        assert len(slack.messages_to(JOINER)) == (1 if welcome == "on" else 0)
        assert len(slack.calls_to("views.publish")) == 3  # Home itself as before
    if welcome == "off":
        assert welcomed_at(db) == "not stored"


def test_someone_who_saved_a_plan_already_is_not_welcomed_on_home(db: Database, clock: Clock) -> None:
    with db.session() as session:
        builders.plan_version(session, JOINER, team=TEAM)
    with FakeSlack() as slack:
        run(db, clock, slack, "on", app_home_opened(JOINER, TEAM))
        assert slack.messages_to(JOINER) == []


def test_a_welcome_slack_refused_is_sent_at_the_next_chance(db: Database, clock: Clock) -> None:
    with FakeSlack() as slack:
        slack.script("chat.postMessage", FakeResponse(body={"ok": False, "error": "internal_error"}))
        run(db, clock, slack, "on", team_join())
        assert slack.messages_to(JOINER) == []
        assert welcomed_at(db) is None
        run(db, clock, slack, "on", app_home_opened(JOINER, TEAM))
        assert len(slack.messages_to(JOINER)) == 1


# --- the welcome's buttons ----------------------------------------------------------------------------------


def welcomed(bot: Bot, user: str) -> Call:
    """`user` opens Home for the first time (in the fake Slack's workspace): the welcome DM."""
    assert bot.send.event(app_home_opened(user)).status == 200
    return next_dm(bot, user, 0)


def test_write_my_plan_opens_the_wizard(bot: Bot) -> None:
    dm = welcomed(bot, "U0NEWBIE")
    click(bot, dm, ids.ACTION_EDIT_PLAN, "U0NEWBIE")
    (opened,) = bot.slack.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == ids.VIEW_GOAL


def name_manager_modal(bot: Bot, user: str) -> Modal:
    dm = welcomed(bot, user)
    click(bot, dm, ids.ACTION_NAME_MANAGER, user)
    (opened,) = bot.slack.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == ids.VIEW_NAME_MANAGER
    return Modal(bot, view, "V0NAME", user)


def test_name_my_manager_asks_them_to_confirm_and_a_confirmation_makes_the_line(bot: Bot) -> None:
    modal = name_manager_modal(bot, "U0NEWBIE")
    modal.submit({ids.BLOCK_MANAGER: {"selected_user": BOSS}})
    assert f"<@{BOSS}> to confirm" in str(modal.view["blocks"])
    request = next_dm(bot, BOSS, 0)
    assert ids.ACTION_LINE_CONFIRM in actions(request)
    click(bot, request, ids.ACTION_LINE_CONFIRM, BOSS)
    next_dm(bot, "U0NEWBIE", 1)  # told it was confirmed (and asked about sharing)
    line = line_of(bot, "U0NEWBIE")
    assert line is not None and line.manager == BOSS


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ({}, "Choose your manager."),
        ({ids.BLOCK_MANAGER: {"selected_user": "U0NEWBIE"}}, "You can't be your own manager."),
        ({ids.BLOCK_MANAGER: {"selected_user": BOT_USER_ID}}, ITS_ME),
        ({ids.BLOCK_MANAGER: {"selected_user": "USLACKBOT"}}, why_not_a_person(WebClient(), "USLACKBOT", None)),
    ],
)
def test_name_my_manager_says_on_the_field_what_is_wrong(bot: Bot, typed: dict[str, Any], error: str) -> None:
    modal = name_manager_modal(bot, "U0NEWBIE")
    answer = modal.submit(typed).json()
    assert answer == {"response_action": "errors", "errors": {ids.BLOCK_MANAGER: error}}
    assert dms_to(bot, BOSS) == []


def test_the_welcome_and_its_modal_are_what_slack_accepts() -> None:
    text, blocks = welcome_message()
    assert text and len(blocks) <= 50
    view = name_manager_view()
    assert_slack_accepts(view)
    values = state_from_initial(view, {ids.BLOCK_MANAGER: {"selected_user": BOSS}})
    assert chosen_manager(values) == BOSS
    assert chosen_manager(state_from_initial(view)) is None
