"""Admins in Slack through real signed HTTP requests against the fake Slack: the people in CAREERPLAN_ADMINS see
their workspace's counts on Home and get the HTML report by DM; nobody else does, however they click.

The organisation is tests/reportorg.py's, whose people typed MARKER into every field: no Slack call may carry it.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from html.parser import HTMLParser
from typing import Any

import pytest

from bot.report.html import INSTALL_HINT
from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import create_app
from bot.slack.blocks.workspace import SEND_REPORT, TITLE
from bot.slack.listeners.admins import REPORT_FAILED
from bot.usecases.admins import NOT_AN_ADMIN
from storage.db import Database
from tests import builders
from tests.botserver import serving
from tests.clock import Clock
from tests.fakeslack import TEAM_ID, FakeResponse, FakeSlack
from tests.reportorg import MARKER, REPORT_NOW, A, M, build_report_org
from tests.slackbot import SECRET, Bot, after, calls, dms_to
from tests.slackhttp import SlackSender, app_home_opened, block_action
from tests.slackstate import assert_slack_accepts

ADMIN = "U0ADMIN"
OTHER_TEAM = "T0OTHER"
OTHER_MARKER = "ZQXOTHERTEAM"  # typed in the other workspace


MakeBot = Callable[[str], Bot]


@pytest.fixture
def make_bot(db: Database, clock: Clock, fake_slack: FakeSlack) -> Iterator[MakeBot]:
    """A bot run with CAREERPLAN_ADMINS set as given; several share the database and the fake Slack, as the same
    workspace's bot restarted with another list would."""
    clock.now = REPORT_NOW
    with db.session() as session:
        build_report_org(session)
        builders.plan_version(session, ADMIN, builders.a_plan(OTHER_MARKER), team=OTHER_TEAM)
    with ExitStack() as running:

        def start(admins: str) -> Bot:
            settings = Settings.from_env(
                {
                    "SLACK_BOT_TOKEN": "xoxb-test",
                    "SLACK_SIGNING_SECRET": SECRET,
                    "SLACK_API_URL": fake_slack.url,
                    "CAREERPLAN_ADMINS": admins,
                }
            )
            app = create_app(settings, db, clock=clock)
            url = running.enter_context(serving(app))
            return Bot(fake_slack, SlackSender(url + "/slack/events", SECRET), db, clock, url, app)

        yield start


@pytest.fixture
def bot(make_bot: MakeBot) -> Bot:
    return make_bot(f"{ADMIN}, U0SOMEONE")


def open_home(bot: Bot, user: str, team: str = TEAM_ID) -> dict[str, Any]:
    before = calls(bot, "views.publish")
    assert bot.send.event(app_home_opened(user, team)).status == 200
    view: dict[str, Any] = bot.slack.wait_for("views.publish", before + 1)[-1].params["view"]
    assert_slack_accepts(view)
    return view


def workspace_fields(home: dict[str, Any]) -> dict[str, str]:
    blocks = home["blocks"]
    (at,) = [n for n, block in enumerate(blocks) if block["type"] == "header" and block["text"]["text"] == TITLE]
    fields = blocks[at + 1]["fields"]
    return dict(field["text"].removeprefix("*").split("*\n", 1) for field in fields)


def click_send(bot: Bot, user: str = ADMIN, *, team: str = TEAM_ID, value: str | None = None) -> dict[str, Any]:
    """`user` clicks *Send me the full report* on Home (or sends a payload that says they did)."""
    action: dict[str, Any] = {"action_id": ids.ACTION_SEND_REPORT}
    if value is not None:
        action["value"] = value
    payload = block_action(action, container="home", view={"type": "home", "blocks": []}, user_id=user, team_id=team)
    assert bot.send.interactive(payload).status == 200
    return payload


def received_report(bot: Bot, before: int = 0) -> tuple[str, str, str]:
    """The report file the bot shared: its name, its text, and the comment it came with."""
    completed = bot.slack.wait_for("files.completeUploadExternal", before + 1)[-1]
    (shared,) = completed.params["files"]
    asked = bot.slack.calls_to("files.getUploadURLExternal")[-1]
    assert bot.slack.files[shared["id"]].channel_id == "D" + ADMIN
    return (
        asked.params["filename"],
        bot.slack.uploads[shared["id"]].decode("utf-8"),
        completed.params["initial_comment"],
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.cells.append(data.strip())


def page_text(page: str) -> list[str]:
    parser = _Text()
    parser.feed(page)
    return parser.cells


def assert_no_typed_text_reached_slack(bot: Bot) -> None:
    recorded = str([(call.method, call.params) for call in bot.slack.calls])
    recorded += "".join(content.decode("utf-8", "replace") for content in bot.slack.uploads.values())
    assert MARKER not in recorded and OTHER_MARKER not in recorded


def refused(bot: Bot, click: Callable[[], object], user: str = ADMIN) -> str:
    """Do `click`; the private note `user` is sent (Home clicks come from no channel: a DM). No file goes."""
    note = str(after(bot, user, click).params["text"])
    bot.settle()
    assert calls(bot, "files.getUploadURLExternal") == 0 and bot.slack.files == {}
    return note


# --- Home -------------------------------------------------------------------------------------------------


def test_an_admin_sees_the_workspace_counts_on_home(bot: Bot) -> None:
    home = open_home(bot, ADMIN)

    assert workspace_fields(home) == {
        "People": "11",  # X, M, A, B, C, D, E, Y, Z, V, W (Q was deactivated)
        "Active reporting lines": "8",
        # A's and E's first lines only were on time: 2, a small group.
        "First conversation within 30 days (lines whose first month is over)": "fewer than 5",
        # 5 of 8 on cadence: the 3 who are not would be a small group.
        "Lines on cadence (at most 14 days past due)": "suppressed",
        "Lines overdue now": "suppressed",  # 5 of 8 (D, E, B, C, and Y on Z's day): the other 3 are few
        "People with a plan": "5 of 11 (45%)",  # A, B, C, D, E
    }
    assert SEND_REPORT in str(home) and ids.ACTION_SEND_REPORT in str(home)
    assert "a group of fewer than 5 people is not shown" in str(home)
    assert_no_typed_text_reached_slack(bot)


def test_nobody_else_sees_the_section_not_even_a_manager(bot: Bot) -> None:
    for user in (A, M):
        home = str(open_home(bot, user))
        assert TITLE not in home and ids.ACTION_SEND_REPORT not in home
        assert "Active reporting lines" not in home and "People with a plan" not in home


def test_an_admins_id_in_another_workspace_sees_no_section(bot: Bot) -> None:
    home = str(open_home(bot, ADMIN, team=OTHER_TEAM))
    assert TITLE not in home and ids.ACTION_SEND_REPORT not in home
    assert "People" not in home


# --- the button -------------------------------------------------------------------------------------------


def test_an_admin_gets_the_html_report_in_their_dm(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    open_home(bot, ADMIN)
    click_send(bot)

    filename, page, comment = received_report(bot)
    assert filename == f"careerplan-report-{TEAM_ID}-2026-11-21.html"
    text = page_text(page)
    assert f"careerplan report for {TEAM_ID}: the whole workspace" in text
    assert text[text.index("People") + 1] == "11" and text[text.index("Active reporting lines") + 1] == "8"
    assert "2025-11-22 to 2026-11-21" in page  # the last 12 months
    assert "<script" not in page.lower()
    assert comment == (
        "The workspace's careerplan report, 2025-11-22 to 2026-11-21: counts only, never anyone's answers; "
        "a group of fewer than 5 people is not shown."
    )
    assert_no_typed_text_reached_slack(bot)
    assert MARKER not in caplog.text and OTHER_MARKER not in caplog.text


def test_a_non_admin_clicking_a_forged_button_is_refused(bot: Bot) -> None:
    assert refused(bot, lambda: click_send(bot, A), A) == NOT_AN_ADMIN
    assert_no_typed_text_reached_slack(bot)


def test_an_admin_removed_from_the_list_after_their_home_was_published_is_refused(make_bot: MakeBot) -> None:
    before = make_bot(ADMIN)
    assert ids.ACTION_SEND_REPORT in str(open_home(before, ADMIN))  # the button is on their Home
    after_restart = make_bot("U0SOMEONE")

    assert refused(after_restart, lambda: click_send(after_restart)) == NOT_AN_ADMIN
    assert TITLE not in str(open_home(after_restart, ADMIN))


def test_a_click_from_another_workspace_is_refused(bot: Bot) -> None:
    assert refused(bot, lambda: click_send(bot, team=OTHER_TEAM)) == NOT_AN_ADMIN
    assert_no_typed_text_reached_slack(bot)


@pytest.mark.parametrize("value", [OTHER_TEAM, f"{OTHER_TEAM}:{M}", '{"team": "T0OTHER", "under": "UM0000001"}', "1"])
def test_a_tampered_button_value_picks_no_workspace_and_no_scope(bot: Bot, value: str) -> None:
    click_send(bot, value=value)

    filename, page, _ = received_report(bot)
    assert filename.startswith(f"careerplan-report-{TEAM_ID}-")
    assert f"careerplan report for {TEAM_ID}: the whole workspace" in page_text(page)
    assert OTHER_TEAM not in page and "organisation" not in page


def test_a_replayed_click_sends_one_file(bot: Bot) -> None:
    payload = click_send(bot)
    received_report(bot)
    for _ in range(3):
        assert bot.send.interactive(payload).status == 200
    bot.settle()

    assert len(bot.slack.calls_to("files.completeUploadExternal")) == 1
    assert dms_to(bot, ADMIN) == []  # and nothing else was said


def test_without_matplotlib_the_admin_is_told_how_to_install_it(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    # As if the optional extra were not installed: importing matplotlib's Figure fails.
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)

    note = refused(bot, lambda: click_send(bot))
    assert INSTALL_HINT in note
    assert re.search(r'pip install "careerplan\[report\]"', note)


def test_a_report_slack_does_not_take_is_explained_and_logged_with_ids_only(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="careerplan")
    bot.slack.script("files.getUploadURLExternal", FakeResponse(body={"ok": False, "error": "missing_scope"}))

    note = after(bot, ADMIN, lambda: click_send(bot)).params["text"]
    assert note == REPORT_FAILED
    assert bot.slack.files == {}
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "careerplan" and "not sent" in r.getMessage()]
    assert warning == f"report for {TEAM_ID}/{ADMIN} not sent: missing_scope"
