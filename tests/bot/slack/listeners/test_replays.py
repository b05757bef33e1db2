"""Replays and retries through real signed HTTP requests: the same request sent again inside Slack's 5-minute
window (byte for byte, signature and timestamp included), or an event Slack re-sends, changes nothing the second
time: no second row, no second DM, no note to anyone. What a person does again (a new click, a new submission)
still works."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import create_app
from storage.db import Database
from storage.models import Conversation, HandledRequest, PlanVersion, ReflectionEntry, ReportingLine
from tests.botserver import serving, wait_for_listeners
from tests.clock import Clock
from tests.fakeslack import FakeSlack
from tests.slackbot import (
    BOSS,
    EMPLOYEE,
    SECRET,
    Bot,
    Modal,
    after,
    calls,
    click,
    dms_to,
    make_manager,
    say,
    text,
    walk_wizard,
)
from tests.slackhttp import HttpResult, SlackSender, app_home_opened

ANSWERS = {
    ids.BLOCK_ENERGY: text("Pairing on hard bugs"),
    ids.BLOCK_REFLECT_YEAR: text("Leading the platform team"),
    ids.BLOCK_WHY: {"selected_options": [{"value": "impact"}]},
    ids.BLOCK_DIRECTION: {"selected_option": {"value": "next_step"}},
}
LOGGED = {
    ids.BLOCK_NOTES: text("Wants to lead the on-call rota"),
    ids.BLOCK_NEXT_IN: {"selected_option": {"text": {"type": "plain_text", "text": "4"}, "value": "4"}},
}
# What the bot says to anyone, anywhere: a replay must add none of it.
SAYING = ("chat.postMessage", "chat.postEphemeral", "chat.update", "views.open", "views.publish", "views.update")


def rows(bot: Bot, model: type[Any]) -> int:
    with bot.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def said(bot: Bot) -> dict[str, int]:
    """How many times the bot called each of Slack's methods that show something, once its listeners are done
    (they work after the ack: counting sooner would miss what a replay did)."""
    bot.settle()
    return {method: calls(bot, method) for method in (*SAYING, "files.completeUploadExternal")}


def replayed(bot: Bot, **headers: str) -> HttpResult:
    """The last request again, as it was: acknowledged with nothing, like any request Slack sends."""
    result = bot.send.replay(headers)
    assert (result.status, result.body) == (200, b""), result.text
    return result


def test_a_replayed_plan_save_adds_no_version_and_a_new_save_does(bot: Bot) -> None:
    walk_wizard(bot.open_wizard())  # its last submission saves version 1
    before = said(bot)

    replayed(bot)

    assert rows(bot, PlanVersion) == 1
    assert said(bot) == before
    walk_wizard(bot.open_wizard(), goal="Lead two platform teams")  # doing it again is not a replay
    assert rows(bot, PlanVersion) == 2


def test_a_replayed_reflection_is_kept_once(bot: Bot) -> None:
    assert bot.send.slash_command(ids.SUB_REFLECT).status == 200
    view = bot.slack.wait_for("views.open", 1)[-1].params["view"]
    assert Modal(bot, view, "VREFLECT", EMPLOYEE).submit(ANSWERS).json()["response_action"] == "update"
    before = said(bot)

    replayed(bot)

    assert rows(bot, ReflectionEntry) == 1
    assert said(bot) == before


def test_a_replayed_conversation_log_records_one_and_tells_the_report_once(bot: Bot) -> None:
    make_manager(bot, BOSS)
    assert bot.send.slash_command(f"{ids.SUB_LOG} <@{EMPLOYEE}|ana>", user_id=BOSS).status == 200
    view = bot.slack.wait_for("views.open", 1)[-1].params["view"]
    after(bot, EMPLOYEE, lambda: Modal(bot, view, "VLOG1", BOSS).submit(LOGGED))
    told = len(dms_to(bot, EMPLOYEE))
    before = said(bot)

    replayed(bot)

    assert rows(bot, Conversation) == 1
    assert said(bot) == before and len(dms_to(bot, EMPLOYEE)) == told


def test_a_replayed_export_sends_no_second_file(bot: Bot) -> None:
    walk_wizard(bot.open_wizard())
    assert "export" in say(bot, "export")
    bot.slack.wait_for("files.completeUploadExternal", 1)
    before = said(bot)

    replayed(bot)

    assert said(bot) == before == {**before, "files.completeUploadExternal": 1}


def test_a_replayed_request_reaches_the_manager_once(bot: Bot) -> None:
    after(bot, BOSS, lambda: say(bot, f"{ids.SUB_MANAGER} <@{BOSS}|boss>"))
    before = said(bot)

    replayed(bot)

    assert said(bot) == before and len(dms_to(bot, BOSS)) == 1
    assert rows(bot, ReportingLine) == 1


def test_a_replayed_click_tells_no_one_anything(bot: Bot) -> None:
    request = after(bot, BOSS, lambda: say(bot, f"{ids.SUB_MANAGER} <@{BOSS}|boss>"))
    after(bot, EMPLOYEE, lambda: click(bot, request, ids.ACTION_LINE_CONFIRM, BOSS))
    before = said(bot)

    replayed(bot)  # clicked again, the old message would say "already answered": a replay says nothing

    assert said(bot) == before


def test_a_delete_replayed_later_does_not_erase_what_was_saved_since(bot: Bot) -> None:
    walk_wizard(bot.open_wizard())
    assert bot.send.slash_command("delete").status == 200
    confirm = bot.slack.wait_for("views.open", 2)[-1].params["view"]
    Modal(bot, confirm, "VDELETE1", EMPLOYEE).submit()
    delete = bot.send.replay  # the signed confirmation, as someone who captured it holds it
    walk_wizard(bot.open_wizard(), goal="A plan written after the delete")

    assert (delete().status, rows(bot, PlanVersion)) == (200, 1)


def test_an_event_slack_sends_again_is_handled_once(bot: Bot) -> None:
    assert bot.send.event(app_home_opened(EMPLOYEE)).status == 200
    bot.slack.wait_for("views.publish", 1)
    before = said(bot)

    replayed(bot, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})

    assert said(bot) == before
    assert bot.send.event(app_home_opened(EMPLOYEE)).status == 200  # opening Home again is a new event
    bot.slack.wait_for("views.publish", before["views.publish"] + 1)


def test_a_replay_to_another_copy_of_the_bot_changes_nothing(
    bot: Bot, db: Database, clock: Clock, fake_slack: FakeSlack
) -> None:
    settings = Settings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_slack.url}
    )
    other = create_app(settings, db, clock=clock)
    walk_wizard(bot.open_wizard())
    with serving(other) as url:
        result = bot.send.replay(via=SlackSender(url + "/slack/events", SECRET))
        assert (result.status, result.body) == (200, b"")
        wait_for_listeners(other)
    assert rows(bot, PlanVersion) == 1


def test_each_request_leaves_only_a_hash_of_its_identity(bot: Bot) -> None:
    walk_wizard(bot.open_wizard(), goal="Lead a platform team")
    with bot.db.session() as session:
        keys = list(session.execute(select(HandledRequest.team_id, HandledRequest.key)))
    assert len(keys) == 4  # the command, and the wizard's three pages
    assert all(len(key) == 64 and set(key) <= set("0123456789abcdef") for _, key in keys)
