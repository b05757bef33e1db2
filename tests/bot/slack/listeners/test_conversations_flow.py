"""F5 through real signed HTTP requests: a reminder DM's Log / Snooze / Skip buttons, the log and skip
modals, the experiment outcome buttons, `/careerplan log @report` and Home's Log button.

Every click is Slack's own block_actions payload (tests/fixtures/slack/block_actions, captured from real
apps) with our action id, value, people and DM swapped in, so the fields our listeners read are where
Slack really puts them (`container`, `channel`, `message.ts`, `trigger_id`, `actions[0].block_id`).
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.career.cadence import ExperimentKind, NudgeKind, NudgeStatus, Outcome, prompts_for
from bot.career.conversation import Experiment as ExperimentView
from bot.career.lines import Line
from bot.career.nudges import ExperimentsEnded, ManagerNudge
from bot.slack import ids
from bot.slack.blocks.nudges import experiments_ended, manager_nudge
from storage.models import Conversation, Experiment, Nudge, ReportingLine
from tests import builders
from tests.fakeslack import TEAM_ID, Call
from tests.slackbot import BOSS, EMPLOYEE, STRANGER, Bot, Modal, after, calls, dms_to, make_manager, say
from tests.slackhttp import SENT_TS, load_fixture, message_click, slack_people

FORMER = "U0FORMER"
HOME_BUTTON = "block_actions/block_actions_home_tab_button_java_bolt_real_payload.json"

Blocks = list[dict[str, Any]]


# --- Slack's real payloads, with our ids in ---------------------------------------------------------


def home_click(action_id: str, value: str, *, user: str) -> dict[str, Any]:
    payload: dict[str, Any] = copy.deepcopy(load_fixture(HOME_BUTTON))
    slack_people(payload, user, TEAM_ID)
    payload["actions"][0].update(action_id=action_id, value=value)
    return payload


def send(bot: Bot, payload: dict[str, Any]) -> None:
    result = bot.send.interactive(payload)
    assert result.status == 200, result.text
    assert not result.body  # acknowledged with nothing shown in a channel


# --- the world: a line, a reminder DM, what the database holds ---------------------------------------


def reminder(bot: Bot, line: Line, kind: NudgeKind = NudgeKind.DUE_SOON) -> tuple[int, tuple[str, Blocks]]:
    """A reminder the sweep sent the manager (its row, as the sweep leaves it), and the DM itself."""
    assert line.next_due_on is not None and line.started_on is not None
    with bot.db.session() as session:
        nudge_id = builders.nudge(session, line, kind, NudgeStatus.SENT, where=("D" + line.manager, SENT_TS))
    message = manager_nudge(
        ManagerNudge(
            nudge_id=nudge_id,
            line_id=line.id,
            kind=kind,
            report=line.report,
            due_on=line.next_due_on,
            today=bot.clock.now.date(),
            since=line.started_on,
            since_held=False,
            prompts=prompts_for(line.id, line.next_due_on),
        )
    )
    return nudge_id, message


def count(bot: Bot, model: type[Conversation] | type[Experiment]) -> int:
    with bot.db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def line_row(bot: Bot, line_id: int) -> ReportingLine:
    with bot.db.session() as session:
        row = session.get(ReportingLine, line_id)
        assert row is not None
        return row


def nudge_status(bot: Bot, nudge_id: int) -> str:
    with bot.db.session() as session:
        row = session.get(Nudge, nudge_id)
        assert row is not None
        return row.status


def published_for(bot: Bot, user: str, seen: int) -> dict[str, Any]:
    """The first Home published for `user` after the `seen` publishes (others' may come in between)."""
    total = seen
    while True:
        total += 1
        call = bot.slack.wait_for("views.publish", total)[total - 1]  # fails the test after 5 s without one
        if call.params["user_id"] == user:
            return call.params


def opened_modal(bot: Bot, before: int, user: str) -> Modal:
    call = bot.slack.wait_for("views.open", before + 1)[-1]
    return Modal(bot, call.params["view"], f"VLOG{before + 1}", user)


def click_and_open(bot: Bot, payload: dict[str, Any]) -> tuple[Modal, Call]:
    before = calls(bot, "views.open")
    send(bot, payload)
    call = bot.slack.wait_for("views.open", before + 1)[-1]
    return Modal(bot, call.params["view"], f"VLOG{before + 1}", payload["user"]["id"]), call


def option(value: str) -> dict[str, Any]:
    return {"selected_option": {"text": {"type": "plain_text", "text": value}, "value": value}}


LOGGED: dict[str, dict[str, Any]] = {
    ids.BLOCK_NOTES: {"value": "Wants to lead the on-call rota <!channel> & more"},
    ids.BLOCK_NOTES_SHARED: {"selected_options": [{"text": {"type": "mrkdwn", "text": "x"}, "value": "shared"}]},
    ids.BLOCK_NEXT_IN: option("4"),
    ids.BLOCK_EXPERIMENT_KIND.format(0): option(ExperimentKind.SHADOWING.value),
    ids.BLOCK_EXPERIMENT_WHAT.format(0): {"value": "Shadow Dana's design reviews"},
    ids.BLOCK_EXPERIMENT_ENDS.format(0): {"selected_date": "2027-01-15"},
}


def refused_privately(bot: Bot, user: str, before: int) -> str:
    """The private note a refused click gets: an ephemeral message to the clicker only."""
    note = bot.slack.wait_for("chat.postEphemeral", before + 1)[-1].params
    assert note["user"] == user and note["channel"] == "D" + user
    return str(note["text"])


# --- logging from the reminder DM -------------------------------------------------------------------


def test_log_from_the_reminder_opens_the_modal_and_logging_resets_the_cadence(bot: Bot) -> None:
    line = make_manager(bot, BOSS)
    nudge_id, message = reminder(bot, line)
    payload = message_click(message, ids.ACTION_LOG, user=BOSS)
    modal, call = click_and_open(bot, payload)
    assert call.params["trigger_id"] == payload["trigger_id"]  # the click's own trigger, within its 3 s
    assert modal.page == ids.VIEW_LOG
    assert modal.view["private_metadata"] == f"{BOSS}|{line.id}"  # the owner, and the line it is about
    assert f"<@{EMPLOYEE}>" in str(modal.view["blocks"])

    updates, publishes = calls(bot, "chat.update"), calls(bot, "views.publish")
    told = after(bot, EMPLOYEE, lambda: modal.submit(LOGGED))
    answer = modal.shown[-1]
    assert "Logged your career conversation" in str(answer["blocks"]) and "21 Mar 2027" in str(answer["blocks"])

    # The reminder DM loses its buttons; the report is told, with the notes the manager shared (escaped).
    updated = bot.slack.wait_for("chat.update", updates + 1)[-1].params
    assert (updated["channel"], updated["ts"]) == ("D" + BOSS, SENT_TS)
    assert "actions" not in str(updated["blocks"])
    assert f"<@{BOSS}> logged your career conversation" in told.params["text"]
    shown = str(told.params["blocks"])
    assert "Wants to lead the on-call rota &lt;!channel&gt; &amp; more" in shown and "<!channel>" not in shown
    assert "Shadow Dana's design reviews" in shown
    home = published_for(bot, BOSS, publishes)
    assert "Shadow Dana" in str(home["view"])  # the team on the manager's Home: experiments running

    row = line_row(bot, line.id)
    held = bot.clock.now.date()  # 21 Nov 2026
    assert (row.last_held_on, row.cadence_months, row.next_due_on) == (held, 4, date(2027, 3, 21))
    assert count(bot, Conversation) == 1 and count(bot, Experiment) == 1
    assert nudge_status(bot, nudge_id) == "sent"


def test_notes_not_shared_are_not_sent_to_the_report(bot: Bot) -> None:
    line = make_manager(bot, BOSS)
    _, message = reminder(bot, line)
    modal, _ = click_and_open(bot, message_click(message, ids.ACTION_LOG, user=BOSS))
    told = after(bot, EMPLOYEE, lambda: modal.submit({**LOGGED, ids.BLOCK_NOTES_SHARED: {"selected_options": []}}))
    assert "on-call rota" not in str(told.params)
    with bot.db.session() as session:
        notes = session.scalar(select(Conversation.notes))
    assert notes == "Wants to lead the on-call rota <!channel> & more"  # kept for the manager, as typed


def test_invalid_values_get_inline_errors_and_store_nothing(bot: Bot) -> None:
    line = make_manager(bot, BOSS)
    _, message = reminder(bot, line)
    modal, _ = click_and_open(bot, message_click(message, ids.ACTION_LOG, user=BOSS))
    answer = modal.submit(
        {
            ids.BLOCK_HELD_ON: {"selected_date": "2027-01-01"},
            ids.BLOCK_EXPERIMENT_KIND.format(1): option(ExperimentKind.STRETCH.value),
        }
    ).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {
        ids.BLOCK_HELD_ON,
        ids.BLOCK_EXPERIMENT_WHAT.format(1),
        ids.BLOCK_EXPERIMENT_ENDS.format(1),
    }
    assert all(isinstance(text, str) and text for text in answer["errors"].values())
    assert count(bot, Conversation) == 0 and line_row(bot, line.id).last_held_on is None


def test_log_command_opens_the_modal_for_ones_own_report_only(bot: Bot) -> None:
    line = make_manager(bot, BOSS)
    before = calls(bot, "views.open")
    result = bot.send.slash_command(f"log <@{EMPLOYEE}|ana>", user_id=BOSS)
    assert result.status == 200 and not result.body
    modal = opened_modal(bot, before, BOSS)
    assert modal.page == ids.VIEW_LOG and modal.view["private_metadata"] == f"{BOSS}|{line.id}"
    after(bot, EMPLOYEE, lambda: modal.submit(LOGGED))
    assert count(bot, Conversation) == 1

    assert f"<@{EMPLOYEE}> doesn't report to you" in say(bot, f"log <@{EMPLOYEE}>", STRANGER)
    assert "doesn't report to you" in say(bot, f"log <@{BOSS}>", EMPLOYEE)
    assert "Name the person" in say(bot, "log", BOSS)
    assert "Name the person" in say(bot, "log <!channel>", BOSS)
    assert f"{ids.SUB_LOG} @name" in say(bot, "help", BOSS)
    assert calls(bot, "views.open") == before + 1


def test_log_from_home_opens_the_modal(bot: Bot) -> None:
    line = make_manager(bot, BOSS)
    payload = home_click(ids.ACTION_LOG, str(line.id), user=BOSS)
    modal, call = click_and_open(bot, payload)
    assert call.params["trigger_id"] == payload["trigger_id"]
    assert modal.view["private_metadata"] == f"{BOSS}|{line.id}"


# --- skip and snooze --------------------------------------------------------------------------------


def test_skip_needs_a_reason_and_moves_the_due_date_one_cadence_from_today(bot: Bot) -> None:
    line = make_manager(bot, BOSS)
    nudge_id, message = reminder(bot, line, NudgeKind.OVERDUE_1)
    modal, _ = click_and_open(bot, message_click(message, ids.ACTION_SKIP, user=BOSS))
    assert modal.page == ids.VIEW_SKIP and modal.view["private_metadata"] == f"{BOSS}|{line.id}"

    answer = modal.submit({ids.BLOCK_SKIP_REASON: {"value": "   "}}).json()
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {ids.BLOCK_SKIP_REASON}
    assert count(bot, Conversation) == 0

    updates = calls(bot, "chat.update")
    modal.submit({ids.BLOCK_SKIP_REASON: {"value": "On leave until March"}})
    assert "Skipped this cycle" in str(modal.shown[-1]["blocks"])
    updated = bot.slack.wait_for("chat.update", updates + 1)[-1].params
    assert updated["ts"] == SENT_TS and "Skipped this cycle" in updated["text"]
    row = line_row(bot, line.id)
    assert (row.last_skipped_on, row.next_due_on) == (date(2026, 11, 21), date(2027, 2, 21))
    assert nudge_status(bot, nudge_id) == "sent"


def test_snooze_replaces_the_reminder_and_a_second_click_says_it_is_snoozed(bot: Bot) -> None:
    line = make_manager(bot, BOSS)
    nudge_id, message = reminder(bot, line)
    updates = calls(bot, "chat.update")
    send(bot, message_click(message, ids.ACTION_SNOOZE, user=BOSS))
    updated = bot.slack.wait_for("chat.update", updates + 1)[-1].params
    assert (updated["channel"], updated["ts"]) == ("D" + BOSS, SENT_TS)
    assert "Snoozed for a week" in updated["text"] and "28 Nov 2026" in updated["text"]
    assert nudge_status(bot, nudge_id) == "pending"

    before = calls(bot, "chat.postEphemeral")
    send(bot, message_click(message, ids.ACTION_SNOOZE, user=BOSS))  # the old message, clicked again
    assert "already snoozed" in refused_privately(bot, BOSS, before)
    assert calls(bot, "chat.update") == updates + 1


# --- experiment outcomes ----------------------------------------------------------------------------


def test_each_person_answers_what_an_experiment_taught_in_their_own_dm(bot: Bot) -> None:
    line = make_manager(bot, BOSS)
    _, message = reminder(bot, line)
    modal, _ = click_and_open(bot, message_click(message, ids.ACTION_LOG, user=BOSS))
    after(bot, EMPLOYEE, lambda: modal.submit(LOGGED))
    with bot.db.session() as session:
        experiment_id = session.scalar(select(Experiment.id))
    assert experiment_id is not None
    ended = ExperimentView(experiment_id, ExperimentKind.SHADOWING, "Shadow Dana's design reviews", date(2027, 1, 15))

    for user, other, choice in ((BOSS, EMPLOYEE, Outcome.KEEP_GOING), (EMPLOYEE, BOSS, Outcome.CHANGED_GOAL)):
        dm = experiments_ended(ExperimentsEnded(other, user == BOSS, date(2027, 1, 15), [ended]))
        updates = calls(bot, "chat.update")
        send(bot, message_click(dm, ids.ACTION_OUTCOME_PREFIX + choice.value, user=user))
        updated = bot.slack.wait_for("chat.update", updates + 1)[-1].params
        assert updated["channel"] == "D" + user
        # Only the answered experiment's buttons go, replaced by the answer; the rest of the DM stays.
        assert "Thanks: recorded" in str(updated["blocks"]) and "actions" not in str(updated["blocks"])
        assert updated["blocks"][0] == dm[1][0]
    with bot.db.session() as session:
        row = session.get(Experiment, experiment_id)
        assert row is not None and (row.manager_outcome, row.report_outcome) == ("keep_going", "changed_goal")


# --- authorization: every click and submission is re-checked on the server --------------------------


@pytest.fixture
def changed_manager(bot: Bot) -> tuple[Line, Line]:
    """Ana's first manager FORMER was replaced by BOSS: (the ended line, the active one)."""
    old = make_manager(bot, FORMER)
    new = make_manager(bot, BOSS)
    return old, new


ACTORS = {
    "the report": (EMPLOYEE, TEAM_ID),
    "a stranger": (STRANGER, TEAM_ID),
    "the former manager": (FORMER, TEAM_ID),
    "the manager's id in another workspace": (BOSS, "T0OTHER"),
}


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("action_id", [ids.ACTION_LOG, ids.ACTION_SKIP, ids.ACTION_SNOOZE])
def test_only_the_current_manager_may_use_the_reminder(
    bot: Bot, changed_manager: tuple[Line, Line], actor: str, action_id: str
) -> None:
    _, line = changed_manager
    nudge_id, message = reminder(bot, line)  # forwarded, or its payload replayed by someone else
    user, team = ACTORS[actor]
    before, opened, updated = calls(bot, "chat.postEphemeral"), calls(bot, "views.open"), calls(bot, "chat.update")
    send(bot, message_click(message, action_id, user=user, team=team))
    note = refused_privately(bot, user, before)
    assert "nothing changed" in note
    if user != FORMER:
        assert EMPLOYEE not in note  # who reports to whom is not told to anyone outside the line
    assert calls(bot, "views.open") == opened and calls(bot, "chat.update") == updated
    assert nudge_status(bot, nudge_id) == "sent" and count(bot, Conversation) == 0


def test_the_former_manager_cannot_use_their_old_reminder(bot: Bot, changed_manager: tuple[Line, Line]) -> None:
    old, _ = changed_manager
    nudge_id, message = reminder(bot, old)
    for action_id in (ids.ACTION_LOG, ids.ACTION_SKIP, ids.ACTION_SNOOZE):
        before = calls(bot, "chat.postEphemeral")
        send(bot, message_click(message, action_id, user=FORMER))
        assert f"<@{EMPLOYEE}> no longer reports to you" in refused_privately(bot, FORMER, before)
    assert calls(bot, "views.open") == 0 and nudge_status(bot, nudge_id) == "sent"
    assert count(bot, Conversation) == 0


@pytest.mark.parametrize("value", ["other", "1 OR 1=1", "", str(2**70), str(2**31), "-1", "<!channel>"])
@pytest.mark.parametrize("action_id", [ids.ACTION_LOG, ids.ACTION_SKIP, ids.ACTION_SNOOZE])
def test_tampered_button_values_are_refused_cleanly(bot: Bot, action_id: str, value: str) -> None:
    line = make_manager(bot, BOSS)
    other_line = make_manager(bot, STRANGER, report="U0BO")
    nudge_id, message = reminder(bot, line)
    if value == "other":  # a button value naming someone else's line (or their reminder)
        other_nudge, _ = reminder(bot, other_line)
        value = str(other_nudge if action_id == ids.ACTION_SNOOZE else other_line.id)
    before = calls(bot, "chat.postEphemeral")
    send(bot, message_click(message, action_id, user=BOSS, value=value))
    note = refused_privately(bot, BOSS, before)
    assert "nothing changed" in note and "<!channel>" not in note and "U0BO" not in note
    assert calls(bot, "views.open") == 0 and count(bot, Conversation) == 0
    assert nudge_status(bot, nudge_id) == "sent"


@pytest.mark.parametrize(
    ("submitter", "metadata", "expected"),
    [
        (STRANGER, "{boss}|{line}", "opened for someone else"),  # the manager's modal, replayed by another
        (STRANGER, "{stranger}|{line}", "nothing changed"),  # their own modal, naming a line not theirs
        (EMPLOYEE, "{report}|{line}", "nothing changed"),
        (FORMER, "{former}|{old}", "no longer reports to you"),  # opened before the manager changed
        (BOSS, "{boss}|1 OR 1=1", "nothing changed"),
        (BOSS, "{boss}|", "nothing changed"),
        (BOSS, "{boss}", "nothing changed"),
        (BOSS, "{boss}|" + str(2**70), "nothing changed"),
        (BOSS, "{boss}|999999999999999999", "nothing changed"),
        (BOSS, "", "opened for someone else"),
    ],
)
@pytest.mark.parametrize("callback_id", [ids.VIEW_LOG, ids.VIEW_SKIP])
def test_a_submission_is_accepted_only_from_the_owner_who_is_the_lines_manager(
    bot: Bot, changed_manager: tuple[Line, Line], callback_id: str, submitter: str, metadata: str, expected: str
) -> None:
    old, line = changed_manager
    _, message = reminder(bot, line)
    send_modal, _ = click_and_open(
        bot, message_click(message, ids.ACTION_LOG if callback_id == ids.VIEW_LOG else ids.ACTION_SKIP, user=BOSS)
    )
    filled = metadata.format(boss=BOSS, stranger=STRANGER, report=EMPLOYEE, former=FORMER, line=line.id, old=old.id)
    send_modal.view = {**send_modal.view, "private_metadata": filled}
    send_modal.user_id = submitter
    typed: dict[str, dict[str, Any]] = (
        LOGGED if callback_id == ids.VIEW_LOG else {ids.BLOCK_SKIP_REASON: {"value": "On leave"}}
    )
    answer = send_modal.submit(typed).json()
    assert answer["response_action"] == "update"
    assert expected in str(answer["view"]["blocks"])
    assert count(bot, Conversation) == 0 and count(bot, Experiment) == 0
    assert line_row(bot, line.id).next_due_on == line.next_due_on
    assert "Share your career plan" in dms_to(bot, EMPLOYEE)[-1].params["text"]  # no "logged" DM


@pytest.mark.parametrize(
    ("user", "value", "choice"),
    [
        (STRANGER, "mine", "stop"),
        (FORMER, "mine", "stop"),
        (BOSS, "1 OR 1=1", "stop"),
        (BOSS, "", "stop"),
        (BOSS, str(2**70), "stop"),
        (BOSS, "mine", "maybe"),
    ],
)
def test_outcome_answers_from_others_or_tampered_are_refused(
    bot: Bot, changed_manager: tuple[Line, Line], user: str, value: str, choice: str
) -> None:
    _, line = changed_manager
    _, message = reminder(bot, line)
    modal, _ = click_and_open(bot, message_click(message, ids.ACTION_LOG, user=BOSS))
    after(bot, EMPLOYEE, lambda: modal.submit(LOGGED))
    with bot.db.session() as session:
        experiment_id = session.scalar(select(Experiment.id))
    assert experiment_id is not None
    ended = ExperimentView(experiment_id, ExperimentKind.SHADOWING, "Shadow", date(2027, 1, 15))
    dm = experiments_ended(ExperimentsEnded(EMPLOYEE, True, date(2027, 1, 15), [ended]))
    dm[1][-1]["elements"].append(
        {"type": "button", "text": {"type": "plain_text", "text": "?"}, "action_id": ids.ACTION_OUTCOME_PREFIX + choice}
    )
    before = calls(bot, "chat.postEphemeral")
    send(
        bot,
        message_click(
            dm, ids.ACTION_OUTCOME_PREFIX + choice, user=user, value=str(experiment_id) if value == "mine" else value
        ),
    )
    assert "nothing changed" in refused_privately(bot, user, before)
    with bot.db.session() as session:
        row = session.get(Experiment, experiment_id)
        assert row is not None and row.manager_outcome is None and row.report_outcome is None
