"""/careerplan's subcommands, request signatures, and hostile command text."""

from __future__ import annotations

import time

import pytest

from bot.slack import ids
from tests.slackbot import SECRET, Bot
from tests.slackhttp import SlackSender


@pytest.mark.parametrize("text", ["help", "HELP", "  help  me "])
def test_help_is_an_ephemeral_usage_message(bot: Bot, text: str) -> None:
    answer = bot.send.slash_command(text).json()
    assert answer["response_type"] == "ephemeral"
    assert f"`{ids.COMMAND}`" in answer["text"]
    assert bot.slack.calls_to("views.open") == []


def test_unknown_subcommand_names_it_escaped_and_shows_usage(bot: Bot) -> None:
    answer = bot.send.slash_command("<!channel>&<@U1> please").json()
    assert answer["response_type"] == "ephemeral"
    assert "I don't know `&lt;!channel&gt;&amp;&lt;@U1&gt;`" in answer["text"]
    assert "<!channel>" not in answer["text"]
    assert f"`{ids.COMMAND} help`" in answer["text"]


def test_three_thousand_control_characters_get_a_short_usage_answer(bot: Bot) -> None:
    answer = bot.send.slash_command("<>&*_~`" * 430).json()
    assert "I don't know" in answer["text"]
    assert len(answer["text"]) < 1500


@pytest.mark.parametrize("text", ["", "edit", "plan"])
def test_the_command_alone_acks_empty_and_opens_the_wizard(bot: Bot, text: str) -> None:
    result = bot.send.slash_command(text)
    assert result.status == 200
    assert result.body == b""
    opened = bot.slack.wait_for("views.open")[-1].params
    assert opened["view"]["callback_id"] == ids.VIEW_GOAL


def test_a_wrong_signature_is_refused_with_401(bot: Bot) -> None:
    forged = SlackSender(bot.url + "/slack/events", "not-the-secret")
    assert forged.slash_command("").status == 401
    assert bot.slack.calls_to("views.open") == []


def test_a_replayed_request_older_than_five_minutes_is_refused(bot: Bot) -> None:
    stale = SlackSender(bot.url + "/slack/events", SECRET, clock=lambda: time.time() - 600)
    assert stale.slash_command("").status == 401


def test_a_command_without_user_or_trigger_gets_a_clear_answer(bot: Bot) -> None:
    body = b"command=%2Fcareerplan&text=&team_id=T0FAKE"
    answer = bot.send.post_raw(body, "application/x-www-form-urlencoded").json()
    assert "without saying who you are" in answer["text"]


def test_healthz_answers_when_ready(bot: Bot) -> None:
    import urllib.request

    with urllib.request.urlopen(bot.url + "/healthz", timeout=5) as response:
        assert response.status == 200
        assert response.read() == b'{"ok": true}'
