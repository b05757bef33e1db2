"""Fault drill: the database locked (SQLite) or gone (PostgreSQL) while people use the bot.

Whoever acted is told privately that it did not go through (no silence, no crash), nothing is half-written,
their answers stay out of the logs, and once the database is back the same actions work, once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import create_app
from bot.slack.listeners.context import NOT_REACHED_DATABASE, SOMETHING_FAILED
from bot.usecases.plans import Plans
from storage.models import PlanVersion, ReportingLine
from tests.botserver import serving
from tests.clock import Clock
from tests.databases import BACKENDS
from tests.fakeslack import Call, FakeSlack
from tests.outage import Outage, outage_database
from tests.slackbot import BOSS, EMPLOYEE, SECRET, Bot, Modal, click, eventually, next_dm, text
from tests.slackhttp import HttpResult, SlackSender, block_action, view_submission
from tests.slackstate import state_from_initial

GAP = "Public speaking at the all-hands"  # typed while the database is down: must not reach the logs
TOLD_WITHIN = 20.0  # seconds: SQLite's writers give up after its 5 s busy timeout, then the note is sent


@pytest.fixture(params=BACKENDS)
def outage(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    # The app's own busy timeout (5 s, longer than Slack's 3 s wait): the slow case, where the HTTP answer
    # has gone before the database gives up.
    yield from outage_database(request.param, tmp_path_factory)


@pytest.fixture
def bot(outage: Outage, clock: Clock) -> Iterator[Bot]:
    with FakeSlack() as slack:
        settings = Settings.from_env(
            {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.url}
        )
        app = create_app(settings, outage.db, clock=clock)
        with serving(app) as url:
            yield Bot(slack, SlackSender(url + "/slack/events", SECRET), outage.direct, clock, url, app)


def notes_to(slack: FakeSlack, user: str, channel: str | None = None) -> list[str]:
    """Private notes to `user`: DMs, and ephemeral messages (in `channel`)."""
    dms = [c.params.get("text", "") for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == user]
    ephemeral = [
        c.params.get("text", "")
        for c in slack.calls_to("chat.postEphemeral")
        if c.params.get("user") == user and (channel is None or c.params.get("channel") == channel)
    ]
    return [str(note) for note in dms + ephemeral]


def goal_and_steps(bot: Bot) -> Modal:
    modal = bot.open_wizard()
    modal.submit(
        {
            ids.BLOCK_GOAL_KIND: {"selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "own"}},
            ids.BLOCK_GOAL_TEXT: text("Lead a platform team"),
            ids.BLOCK_GOAL_WORDS: text("June 2029"),
        }
    )
    modal.submit({"step_title_0": text("Senior engineer"), "step_words_0": text("Q3 2027")})
    assert modal.page == ids.VIEW_GAPS
    return modal


def submit_gaps(bot: Bot, modal: Modal) -> HttpResult:
    values = state_from_initial(modal.view, {"gap_0": text(GAP)})
    payload = view_submission(modal.view, values, view_id=modal.view_id, root_view_id=modal.view_id)
    return bot.send.interactive(payload)


def confirm(bot: Bot, request: Call) -> HttpResult:
    """The boss clicks Confirm in the request DM (the answer is not checked: see the note in the test)."""
    message = {"ts": "1700000000.000100", "blocks": request.params["blocks"], "text": request.params["text"]}
    payload = block_action(
        {"action_id": ids.ACTION_LINE_CONFIRM},
        container="message",
        message=message,
        user_id=BOSS,
        channel_id="D" + BOSS,
    )
    return bot.send.interactive(payload)


def remembered(bot: Bot, timeout: float = 10.0) -> None:
    """Wait until the pending request knows where its DM to the manager landed (written after the DM)."""

    def recorded() -> bool:
        with bot.db.session() as session:
            return bool(session.scalar(select(ReportingLine.request_ts)))

    eventually(recorded, "recording the request's DM", timeout)


def plans_saved(bot: Bot) -> int:
    with bot.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(PlanVersion)) or 0)


def test_people_are_told_when_the_database_is_unavailable_and_nothing_is_half_written(
    bot: Bot, outage: Outage, caplog: pytest.LogCaptureFixture
) -> None:
    modal = goal_and_steps(bot)
    assert bot.send.slash_command(f"manager <@{BOSS}>").status == 200
    request = next_dm(bot, BOSS, 0)  # the boss's Confirm / Decline
    remembered(bot)  # after sending the DM, the request notes where it landed: let that finish first
    other = "U0OTHER"
    before = outage.snapshot()
    dms = len(bot.slack.calls_to("chat.postMessage"))

    actions: list[Callable[[], object]] = [
        lambda: submit_gaps(bot, modal),  # the wizard's last page: save the plan
        lambda: bot.send.slash_command(f"manager <@{BOSS}>", user_id=other),  # ask for a manager
        lambda: confirm(bot, request),  # the boss confirms in the DM
    ]
    with caplog.at_level(logging.INFO), outage.down(), ThreadPoolExecutor(len(actions)) as pool:
        answers = list(pool.map(lambda act: act(), actions))
        bot.slack.wait_for("chat.postMessage", dms + 2, timeout=TOLD_WITHIN)  # to the two who typed
        bot.slack.wait_for("chat.postEphemeral", 1, timeout=TOLD_WITHIN)  # beside the button clicked

    # Slack showed its own error for the form and the command (no answer in time, or an error status) ...
    # (The click was acknowledged at once; but Bolt forgets an ack when its listener fails within the 10 ms it
    # polls for one, and Slack may then get a 404: whatever the status, the boss is told below.)
    saved, asked, _ = answers
    assert isinstance(saved, HttpResult) and isinstance(asked, HttpResult)
    assert saved.status >= 400 and asked.status >= 400
    # ... and each person got a private note saying why, where they acted (a DM, or beside the button).
    assert NOT_REACHED_DATABASE in notes_to(bot.slack, EMPLOYEE)
    assert NOT_REACHED_DATABASE in notes_to(bot.slack, other)
    assert NOT_REACHED_DATABASE in notes_to(bot.slack, BOSS, channel="D" + BOSS)
    assert outage.snapshot() == before  # nothing half-written
    assert GAP not in caplog.text  # the failure is logged by id, without the answers
    assert "listener failed for view_submission from U0EMPLOYEE" in caplog.text

    # The database is back: the same actions go through, once each.
    assert submit_gaps(bot, modal).status == 200
    assert plans_saved(bot) == 1
    assert "I've asked" in bot.send.slash_command(f"manager <@{BOSS}>", user_id=other).json()["text"]
    click(bot, request, ids.ACTION_LINE_CONFIRM, BOSS)
    bot.slack.wait_for("chat.update")  # the request DM loses its buttons once confirmed
    with bot.db.session() as session:
        statuses = sorted(session.scalars(select(ReportingLine.status)))
    assert statuses == ["active", "pending"]  # the employee's line confirmed; the other's request waiting


def test_a_read_while_postgresql_is_gone_is_answered_and_the_next_one_works(
    bot: Bot, outage: Outage, caplog: pytest.LogCaptureFixture
) -> None:
    if outage.plug is None:
        pytest.skip("SQLite readers are not blocked by a writer's lock (WAL)")
    wizard = bot.open_wizard()
    with caplog.at_level(logging.INFO), outage.down():
        bot.send.slash_command("")  # acknowledged before the plan is read (status: see the first test's note)
        bot.slack.wait_for("chat.postMessage", 1, timeout=TOLD_WITHIN)
        assert len(bot.slack.calls_to("views.open")) == 1  # the wizard opened before; no new modal
        assert bot.send.slash_command("team").status >= 400  # Slack shows its own error for the command ...
        bot.slack.wait_for("chat.postMessage", 2, timeout=TOLD_WITHIN)  # ... and the note says why
        closed = {
            "type": "view_closed",
            "team": {"id": "T0FAKE", "domain": "fake"},
            "user": {"id": EMPLOYEE, "team_id": "T0FAKE"},
            "view": {**wizard.view, "id": wizard.view_id, "root_view_id": wizard.view_id},
            "is_cleared": False,
        }
        bot.send.interactive(closed)  # its draft stays: no harm done, and nothing to tell (Bolt may 404 it)
    assert bot.open_wizard().page == ids.VIEW_GOAL  # the pool reconnects by itself
    assert bot.send.slash_command("team").json()["response_type"] == "ephemeral"
    bot.settle()
    assert "listener failed for view_closed" in caplog.text
    assert notes_to(bot.slack, EMPLOYEE) == [NOT_REACHED_DATABASE] * 2  # closing a form asked for nothing


def test_a_database_failing_midway_through_a_save_leaves_nothing_and_no_answer_in_the_logs(
    bot: Bot, outage: Outage, caplog: pytest.LogCaptureFixture
) -> None:
    modal = goal_and_steps(bot)
    before = outage.snapshot()

    def cut_at_the_gaps(_conn: object, _cursor: object, statement: str, parameters: Any, *_: object) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO PLAN_GAPS"):  # the plan's version row is written
            raise OperationalError(statement, parameters, ConnectionError("server closed the connection"))

    event.listen(outage.db.engine, "before_cursor_execute", cut_at_the_gaps)
    try:
        with caplog.at_level(logging.INFO):
            assert submit_gaps(bot, modal).status >= 400
            bot.slack.wait_for("chat.postMessage", 1, timeout=TOLD_WITHIN)
    finally:
        event.remove(outage.db.engine, "before_cursor_execute", cut_at_the_gaps)
    assert notes_to(bot.slack, EMPLOYEE) == [NOT_REACHED_DATABASE]
    assert outage.snapshot() == before  # the version row went with the rest: no plan without its gaps
    assert "INSERT INTO plan_gaps" in caplog.text  # the failure is logged, with the statement ...
    assert GAP not in caplog.text  # ... but not the answers it carried
    assert submit_gaps(bot, modal).status == 200
    assert plans_saved(bot) == 1


def test_a_failure_other_than_the_database_is_told_too(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    modal = goal_and_steps(bot)

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Plans, "submit", broken)
    assert submit_gaps(bot, modal).status >= 400
    bot.slack.wait_for("chat.postMessage", 1, timeout=TOLD_WITHIN)
    assert notes_to(bot.slack, EMPLOYEE) == [SOMETHING_FAILED]  # no promise that it will work in a minute
