"""Slack's own payloads (tests/fixtures/slack, see SOURCES.md), with our ids swapped in, are accepted:
each is answered 200 and does what the user asked, whatever extra or missing fields it carries."""

from __future__ import annotations

import copy
import urllib.parse
from pathlib import Path

import pytest

from bot.slack import ids
from tests.slackbot import Bot
from tests.slackhttp import FIXTURES_DIR, load_fixture


def fixtures(folder: str, prefix: str = "") -> list[str]:
    return sorted(
        f"{folder}/{p.name}" for p in (FIXTURES_DIR / folder).glob(f"{prefix}*.json") if "view_state_" not in p.name
    )


@pytest.mark.parametrize("name", fixtures("view_submission"))
@pytest.mark.parametrize("page", ids.WIZARD_VIEWS)
def test_real_view_submissions_get_a_clear_answer(bot: Bot, name: str, page: str) -> None:
    payload = copy.deepcopy(load_fixture(name))
    payload["view"]["callback_id"] = page
    payload["view"]["private_metadata"] = payload["user"]["id"]  # our modals carry their owner
    result = bot.send.interactive(payload)
    assert result.status == 200, result.text
    answer = result.json()
    # Foreign inputs are not ours: the page's required answers are missing, said inline.
    assert answer["response_action"] in {"errors", "update"}
    assert "opened for someone else" not in str(answer)
    if answer["response_action"] == "errors":
        assert answer["errors"] and all(isinstance(m, str) and m for m in answer["errors"].values())


@pytest.mark.parametrize("name", ["block_actions/block_actions_modal_button_with_state_real_capture_spotbot2.json"])
def test_real_modal_button_click_moves_back(bot: Bot, name: str) -> None:
    payload = copy.deepcopy(load_fixture(name))
    payload["view"]["callback_id"] = ids.VIEW_STEPS
    payload["view"]["private_metadata"] = payload["user"]["id"]
    payload["actions"][0]["action_id"] = ids.ACTION_BACK
    assert bot.send.interactive(payload).status == 200
    update = bot.slack.wait_for("views.update")[-1].params
    assert update["view_id"] == payload["view"]["id"]
    assert update["hash"] == payload["view"]["hash"]
    assert update["view"]["callback_id"] == ids.VIEW_GOAL


@pytest.mark.parametrize(
    "name",
    [
        "block_actions/block_actions_home_tab_button_java_bolt_real_payload.json",
        "block_actions/block_actions_home_tab_button_with_confirm.json",
    ],
)
def test_real_home_button_click_opens_the_wizard(bot: Bot, name: str) -> None:
    payload = copy.deepcopy(load_fixture(name))
    payload["actions"][0]["action_id"] = ids.ACTION_EDIT_PLAN
    assert bot.send.interactive(payload).status == 200
    opened = bot.slack.wait_for("views.open")[-1].params
    assert opened["trigger_id"] == payload["trigger_id"]
    assert opened["view"]["callback_id"] == ids.VIEW_GOAL


@pytest.mark.parametrize("name", fixtures("view_closed"))
def test_real_view_closed_payloads_are_acknowledged(bot: Bot, name: str) -> None:
    payload = copy.deepcopy(load_fixture(name))
    payload["view"]["callback_id"] = ids.VIEW_GOAL
    assert bot.send.interactive(payload).status == 200


def test_real_app_home_opened_event_publishes_home_for_that_user(bot: Bot) -> None:
    envelope = load_fixture("events/app_home_opened_envelope_home_tab_bolt_python.json")
    assert bot.send.event(envelope).status == 200
    published = bot.slack.wait_for("views.publish")[-1].params
    assert published["user_id"] == envelope["event"]["user"]
    assert published["view"]["type"] == "home"


def test_real_org_install_messages_tab_event_is_acknowledged(bot: Bot) -> None:
    envelope = load_fixture("events/app_home_opened_envelope_org_install_messages_tab_bolt_python.json")
    assert bot.send.event(envelope).status == 200


@pytest.mark.parametrize(
    "name",
    [
        "slash_command/slash_command_bolt_python_enterprise.body.txt",
        "slash_command/slash_command_slack_docs_signed_example.body.txt",
    ],
)
def test_real_slash_command_bodies_are_answered(bot: Bot, name: str) -> None:
    fields = dict(urllib.parse.parse_qsl(load_fixture(name).strip(), keep_blank_values=True))
    fields["command"] = ids.COMMAND
    body = urllib.parse.urlencode(fields).encode()
    result = bot.send.post_raw(body, "application/x-www-form-urlencoded")
    assert result.status == 200
    if fields["text"]:
        # A word we don't know ("Hi"): the answer is the usage, naming it, seen only by the caller.
        assert result.json()["response_type"] == "ephemeral"
        assert "I don't know `Hi`" in result.json()["text"]
    else:
        opened = bot.slack.wait_for("views.open")[-1].params
        assert opened["trigger_id"] == fields["trigger_id"]


def test_fixture_folder_is_in_the_repo() -> None:
    assert Path(FIXTURES_DIR, "SOURCES.md").is_file()
