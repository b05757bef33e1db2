"""The middleware in front of every listener: who is acting comes from Slack's payload, a request naming no one
is answered without changing anything, and a modal used by someone it was not opened for is refused."""

from __future__ import annotations

import pytest

from bot.career.plan import PlanForm
from bot.settings import Settings
from bot.slack import ids, listeners
from bot.slack.app import create_app
from bot.slack.blocks.asks import SUGGEST_TITLE
from bot.slack.blocks.asks import TITLE as ASK_TITLE
from bot.slack.blocks.conversations import LOG_TITLE, SKIP_TITLE
from bot.slack.blocks.gaps import CLOSE_TITLE
from bot.slack.blocks.own_data import DELETE_TITLE
from bot.slack.blocks.plans import TITLE as PLAN_TITLE
from bot.slack.blocks.reflections import TITLE as REFLECT_TITLE
from storage import people
from storage import plans as store
from storage.db import Database
from tests.fakeslack import FakeSlack
from tests.slackbot import EMPLOYEE, SECRET, Bot, text
from tests.slackhttp import block_action, view_submission

STRANGER = "U0STRANGER"


def web_api_calls(bot: Bot) -> list[str]:
    """The Web API methods the bot called since it started (its start-up auth.test aside)."""
    return [call.method for call in bot.slack.calls if call.method != "auth.test"]


def draft_of(bot: Bot, view_id: str) -> PlanForm:
    with bot.db.session() as session:
        owner = people.find_person_id(session, "T0FAKE", EMPLOYEE)
        assert owner is not None
        draft = store.get_draft(session, owner, view_id)
    assert draft is not None
    return draft


@pytest.mark.parametrize(
    ("callback_id", "title"),
    [
        (ids.VIEW_GOAL, PLAN_TITLE),
        (ids.VIEW_STEPS, PLAN_TITLE),
        (ids.VIEW_GAPS, PLAN_TITLE),
        (ids.VIEW_REFLECT, REFLECT_TITLE),
        (ids.VIEW_LOG, LOG_TITLE),
        (ids.VIEW_SKIP, SKIP_TITLE),
        (ids.VIEW_DELETE, DELETE_TITLE),
        (ids.VIEW_CLOSE_GAP, CLOSE_TITLE),
        (ids.VIEW_ASK, ASK_TITLE),
        (ids.VIEW_SUGGEST, SUGGEST_TITLE),
    ],
)
def test_every_modal_submitted_by_someone_else_is_refused_under_its_own_title(
    bot: Bot, callback_id: str, title: str
) -> None:
    view = {"type": "modal", "callback_id": callback_id, "private_metadata": f"{EMPLOYEE}|1", "blocks": []}
    answer = bot.send.interactive(view_submission(view, {}, user_id=STRANGER)).json()
    assert answer["response_action"] == "update"
    assert answer["view"]["title"]["text"] == title[:24]
    assert "opened for someone else" in str(answer["view"]["blocks"])
    assert web_api_calls(bot) == []  # nobody is messaged, nothing is published


def test_a_click_inside_someone_elses_wizard_changes_nothing(bot: Bot) -> None:
    modal = bot.open_wizard()
    modal.submit({ids.BLOCK_GOAL_KIND: {"selected_option": {"value": "own"}}, ids.BLOCK_GOAL_TEXT: text("Mine")})
    before, rows = len(web_api_calls(bot)), draft_of(bot, modal.view_id).step_rows
    view = {**modal.view, "id": modal.view_id, "root_view_id": modal.view_id}
    click = block_action({"action_id": ids.ACTION_ADD_STEP}, view=view, user_id=STRANGER)
    assert bot.send.interactive(click).status == 200
    closed = {
        "type": "view_closed",
        "team": {"id": "T0FAKE", "domain": "fake"},
        "user": {"id": STRANGER, "team_id": "T0FAKE"},
        "view": view,
        "is_cleared": False,
    }
    assert bot.send.interactive(closed).status == 200
    modal.click(ids.ACTION_BACK)  # the owner's own click is served, so the stranger's have been handled
    assert web_api_calls(bot)[before:] == ["views.update"]
    assert "Mine" in str(modal.view)  # the owner's draft survived the stranger's close
    assert draft_of(bot, modal.view_id).step_rows == rows  # the stranger's "Add a step" added none
    with bot.db.session() as session:
        assert people.find_person_id(session, "T0FAKE", STRANGER) is None


def test_a_form_that_names_no_one_saves_nothing_and_says_so(bot: Bot) -> None:
    view = {"type": "modal", "callback_id": ids.VIEW_REFLECT, "private_metadata": EMPLOYEE, "blocks": []}
    payload = view_submission(view, {})
    del payload["user"]
    answer = bot.send.interactive(payload).json()
    assert answer["response_action"] == "update"
    assert "without saying who you are" in str(answer["view"]["blocks"])
    assert answer["view"]["title"]["text"] == REFLECT_TITLE
    assert web_api_calls(bot) == []


def test_a_click_that_names_no_one_is_acknowledged_and_does_nothing(bot: Bot) -> None:
    payload = block_action({"action_id": ids.ACTION_EDIT_PLAN}, container="home")
    del payload["user"]
    result = bot.send.interactive(payload)
    assert result.status == 200
    assert result.body == b""
    assert web_api_calls(bot) == []


def test_each_listener_and_the_middleware_are_registered_once(db: Database, fake_slack: FakeSlack) -> None:
    """A listener registered twice runs twice when the first does not ack within 3 s (a slow database): a
    plan saved twice, a request sent twice; Bolt tries each matching listener in turn."""
    settings = Settings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_slack.url}
    )
    app = create_app(settings, db)
    tables = [listeners.COMMANDS, listeners.ACTIONS, listeners.VIEW_SUBMISSIONS, listeners.VIEW_CLOSED]
    assert len(app._listeners) == sum(len(table) for table in [*tables, listeners.EVENTS])
    identify = [m for m in app._middleware_list if getattr(getattr(m, "func", None), "__name__", "") == "identify"]
    assert len(identify) == 1
