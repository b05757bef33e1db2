"""F7 through real signed HTTP requests against the fake Slack: `/careerplan export` delivers a Markdown file
holding exactly what was saved; `/careerplan delete` confirms, then erases every answer of that person only."""

from __future__ import annotations

import logging
from datetime import date
from html import escape
from typing import Any

import pytest
from markdown_it import MarkdownIt
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from bot.career.export import NOTHING_SAVED, export_markdown
from bot.career.reflection import Direction, Reflection, Why
from bot.slack import ids
from bot.slack.blocks.own_data import DELETE_SUBMIT, DELETE_TITLE
from bot.slack.listeners.context import not_yours_view
from bot.slack.listeners.own_data import DELETE_NOT_OPENED, EXPORT_ACK, EXPORT_FAILED
from storage import people
from storage import plans as store
from storage import reflections as reflection_store
from storage.models import Base, PlanDraft, PlanFeedback, PlanGap, PlanStep, PlanVersion, ReflectionEntry, ReportingLine
from tests import builders
from tests.fakeslack import TEAM_ID, FakeResponse, server_error
from tests.slackbot import EMPLOYEE, Bot, Modal, text, walk_wizard
from tests.slackstate import assert_slack_accepts

OTHER = "U0OTHER"
MANAGER = "U0MANAGER"
INTRUDER = "U0INTRUDER"
TODAY = date(2026, 11, 21)  # the bot fixture's clock, in UTC (nobody's time zone is known)

GOAL = "Run <!channel> & <@U0BOSS> <http://evil.example|training> 🚀\nwith a second line"
STEP = "Senior <engineer> & 🧗"
GAP = "Speaking up in <big> meetings & 😬\n  indented second line"
YEAR = "Owning the <deploy> pipeline & on-call 📟"
ENERGY = "Pairing on <hard> bugs & 🐛"


def save_hostile_plan(bot: Bot, user_id: str = EMPLOYEE) -> None:
    """The wizard, walked with text Slack would treat as markup, several lines and emoji."""
    modal = bot.open_wizard(user_id)
    modal.submit(
        {
            ids.BLOCK_GOAL_KIND: {"selected_option": {"value": "own"}},
            ids.BLOCK_GOAL_TEXT: text(GOAL),
            ids.BLOCK_GOAL_WORDS: text("June 2029"),
            ids.BLOCK_YEAR_FROM_NOW: text(YEAR),
        }
    )
    assert modal.page == ids.VIEW_STEPS, modal.view
    # Step 2 is cleared, in case the wizard opened on an earlier plan.
    blank_step = {"step_title_1": text(""), "step_date_1": {"selected_date": None}, "step_words_1": text("")}
    modal.submit({"step_title_0": text(STEP), "step_words_0": text("Q3 2027"), **blank_step})
    assert modal.page == ids.VIEW_GAPS, modal.view
    modal.submit({"gap_0": text(GAP), "gap_1": text("Mentoring & coaching")})
    assert "version" in str(modal.view["blocks"]), modal.view


def add_reflection(bot: Bot, user_id: str = EMPLOYEE) -> None:
    with bot.db.session() as session:
        answers = Reflection(ENERGY, YEAR, (Why.IMPACT, Why.LEARNING), GAP, Direction.NEXT_STEP)
        builders.reflection(session, user_id, answers, now=bot.clock())


def person_id(session: Session, user_id: str) -> int:
    found = people.find_person_id(session, TEAM_ID, user_id)
    assert found is not None
    return found


def version_ids(bot: Bot, user_id: str) -> list[int]:
    with bot.db.session() as session:
        return list(session.scalars(select(PlanVersion.id).where(PlanVersion.person_id == person_id(session, user_id))))


def answer_rows(bot: Bot, user_id: str, versions: list[int]) -> dict[str, int]:
    """Every row holding the person's answers, straight from the database (steps and gaps by version id)."""
    with bot.db.session() as session:
        person = person_id(session, user_id)

        def count(model: type[Base], where: ColumnElement[bool]) -> int:
            return session.scalar(select(func.count()).select_from(model).where(where)) or 0

        return {
            "plan_versions": count(PlanVersion, PlanVersion.person_id == person),
            "plan_steps": count(PlanStep, PlanStep.plan_version_id.in_(versions)),
            "plan_gaps": count(PlanGap, PlanGap.plan_version_id.in_(versions)),
            "plan_drafts": count(PlanDraft, PlanDraft.person_id == person),
            "reflections": count(ReflectionEntry, ReflectionEntry.person_id == person),
        }


def uploaded_file(bot: Bot) -> tuple[str, bytes]:
    completed = bot.slack.wait_for("files.completeUploadExternal")[-1]
    (shared,) = completed.params["files"]
    return shared["id"], bot.slack.uploads[shared["id"]]


# -- export ---------------------------------------------------------------------------------------


def test_export_sends_a_markdown_file_with_exactly_what_was_saved_to_the_dm(bot: Bot) -> None:
    walk_wizard(bot.open_wizard(), goal="My first goal")
    save_hostile_plan(bot)
    add_reflection(bot)

    result = bot.send.slash_command("export")

    assert result.status == 200
    assert result.json() == {"text": EXPORT_ACK, "response_type": "ephemeral"}
    file_id, content = uploaded_file(bot)
    markdown = content.decode("utf-8")
    for typed in (GOAL, STEP, GAP, YEAR, ENERGY, "Mentoring & coaching", "My first goal"):
        # As typed, once a Markdown viewer shows it: `&`, `<` and `>` are entities, so no answer is HTML.
        assert escape(typed, quote=False) in markdown, typed
    assert "<" not in markdown
    with bot.db.session() as session:
        person = person_id(session, EMPLOYEE)
        history = store.plan_history(session, person)
        reflections = reflection_store.reflections_of(session, person)
    assert [saved.version for saved in history] == [1, 2]
    assert content == export_markdown(history, reflections, TODAY).encode("utf-8")
    # Into the bot's DM with the person, never a channel; nothing else was posted.
    assert bot.slack.calls_to("conversations.open")[0].params["users"] == EMPLOYEE
    assert bot.slack.calls_to("files.getUploadURLExternal")[0].params["filename"] == "careerplan-export-2026-11-21.md"
    shared = bot.slack.files[file_id]
    assert shared.channel_id == "D" + EMPLOYEE
    assert shared.initial_comment and "exactly as you wrote it" in shared.initial_comment
    assert bot.slack.calls_to("chat.postMessage") == [] and bot.slack.calls_to("chat.postEphemeral") == []


def test_export_of_someone_who_saved_nothing_says_so(bot: Bot) -> None:
    walk_wizard(bot.open_wizard(user_id=OTHER), goal="Someone else's goal")

    assert bot.send.slash_command("export").status == 200

    _, content = uploaded_file(bot)
    assert NOTHING_SAVED in content.decode("utf-8")
    assert "Someone else's goal" not in content.decode("utf-8")
    assert bot.slack.files[next(iter(bot.slack.files))].channel_id == "D" + EMPLOYEE


@pytest.mark.parametrize(
    ("method", "answer", "logged"),
    [
        ("files.getUploadURLExternal", FakeResponse(body={"ok": False, "error": "missing_scope"}), "missing_scope"),
        ("conversations.open", FakeResponse(body={"ok": False, "error": "user_not_found"}), "user_not_found"),
        ("upload", server_error(), "HTTPError"),
    ],
)
def test_a_failed_export_is_explained_in_a_dm_and_logged_with_ids_only(
    bot: Bot, caplog: pytest.LogCaptureFixture, method: str, answer: FakeResponse, logged: str
) -> None:
    caplog.set_level(logging.INFO, logger="careerplan")
    save_hostile_plan(bot)
    bot.slack.script(method, answer)

    assert bot.send.slash_command("export").json()["text"] == EXPORT_ACK

    note = bot.slack.wait_for("chat.postMessage")[-1].params
    assert (note["channel"], note["text"]) == (EMPLOYEE, EXPORT_FAILED)
    assert bot.slack.files == {}
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "careerplan" and "export" in r.getMessage()]
    assert EMPLOYEE in warning and logged in warning
    assert "evil.example" not in caplog.text and "Pairing" not in caplog.text


# -- delete ---------------------------------------------------------------------------------------


def open_delete(bot: Bot, user_id: str = EMPLOYEE) -> dict[str, Any]:
    before = len(bot.slack.calls_to("views.open"))
    result = bot.send.slash_command("delete", user_id=user_id)
    assert (result.status, result.body) == (200, b"")
    view: dict[str, Any] = bot.slack.wait_for("views.open", before + 1)[-1].params["view"]
    return view


def everything_saved(bot: Bot) -> int:
    """Two plan versions, an unsaved draft, a reflection and a shared reporting line for the employee."""
    walk_wizard(bot.open_wizard(), goal="My first goal")
    save_hostile_plan(bot)
    bot.open_wizard().submit({ids.BLOCK_GOAL_KIND: {"selected_option": {"value": "own"}}, "goal_text": text("draft")})
    add_reflection(bot)
    with bot.db.session() as session:
        line = builders.active_line(
            session, EMPLOYEE, MANAGER, started_on=date(2026, 9, 1), shared=True, now=bot.clock()
        )
    return line.id


def test_delete_confirms_then_erases_every_answer_of_that_person_only(bot: Bot) -> None:
    line_id = everything_saved(bot)
    save_hostile_plan(bot, OTHER)
    add_reflection(bot, OTHER)
    mine, others = version_ids(bot, EMPLOYEE), version_ids(bot, OTHER)
    others_before = answer_rows(bot, OTHER, others)
    mine_before = answer_rows(bot, EMPLOYEE, mine)
    assert mine_before == {"plan_versions": 2, "plan_steps": 3, "plan_gaps": 4, "plan_drafts": 1, "reflections": 1}

    confirm = open_delete(bot)

    assert confirm["callback_id"] == ids.VIEW_DELETE
    assert confirm["private_metadata"] == EMPLOYEE
    assert confirm["submit"]["text"] == DELETE_SUBMIT
    said = str(confirm["blocks"])
    assert "reporting lines" in said and "dates of career conversations" in said and "cannot be undone" in said
    assert_slack_accepts(confirm)
    assert answer_rows(bot, EMPLOYEE, mine) == mine_before  # opening the confirmation deletes nothing
    published = len(bot.slack.calls_to("views.publish"))

    answer = Modal(bot, confirm, "VDELETE1", EMPLOYEE).submit().json()

    assert answer["response_action"] == "update"
    done = str(answer["view"]["blocks"])
    assert "2 versions of your plan, 3 steps, 4 gaps, 1 unsaved plan form, 1 reflection" in done
    assert "Sharing with your manager is off" in done
    assert_slack_accepts(answer["view"])
    assert answer_rows(bot, EMPLOYEE, mine) == dict.fromkeys(mine_before, 0)
    assert answer_rows(bot, OTHER, others) == others_before
    with bot.db.session() as session:
        line = session.get(ReportingLine, line_id)
        assert line is not None
        assert (line.status, line.started_on, line.shared_at) == ("active", date(2026, 9, 1), None)
    home = bot.slack.wait_for("views.publish", published + 1)[published].params  # theirs first; then the manager's
    assert home["user_id"] == EMPLOYEE
    assert "Write my plan" in str(home["view"])  # the empty state
    assert "My first goal" not in str(home["view"]) and "evil.example" not in str(home["view"])


def test_a_delete_replayed_by_someone_else_is_refused_and_deletes_nothing(bot: Bot) -> None:
    save_hostile_plan(bot)
    add_reflection(bot)
    save_hostile_plan(bot, INTRUDER)
    mine, theirs = version_ids(bot, EMPLOYEE), version_ids(bot, INTRUDER)
    mine_before, theirs_before = answer_rows(bot, EMPLOYEE, mine), answer_rows(bot, INTRUDER, theirs)
    confirm = open_delete(bot)  # opened for the employee: private_metadata names them

    answer = Modal(bot, confirm, "VDELETE1", INTRUDER).submit().json()

    assert answer == {"response_action": "update", "view": not_yours_view(DELETE_TITLE)}
    assert answer_rows(bot, EMPLOYEE, mine) == mine_before
    assert answer_rows(bot, INTRUDER, theirs) == theirs_before


def test_deleting_with_nothing_saved_says_there_was_nothing(bot: Bot) -> None:
    answer = Modal(bot, open_delete(bot), "VDELETE1", EMPLOYEE).submit().json()
    assert "nothing to delete" in str(answer["view"]["blocks"])
    assert bot.slack.wait_for("views.publish")[-1].params["user_id"] == EMPLOYEE


def test_when_the_confirmation_cannot_open_the_person_is_told_and_nothing_is_deleted(bot: Bot) -> None:
    save_hostile_plan(bot)
    bot.slack.script("views.open", FakeResponse(body={"ok": False, "error": "expired_trigger_id"}))

    assert bot.send.slash_command("delete").status == 200

    note = bot.slack.wait_for("chat.postMessage")[-1].params
    assert (note["channel"], note["text"]) == (EMPLOYEE, DELETE_NOT_OPENED)
    assert answer_rows(bot, EMPLOYEE, version_ids(bot, EMPLOYEE))["plan_versions"] == 1


# -- feedback on plans: the employee's, and the author's, words ------------------------------------


FEEDBACK = "Be honest <!channel> & <@U0BOSS>: the staff step may not fit your strengths"


def export_of(bot: Bot, user_id: str) -> str:
    before = len(bot.slack.calls_to("files.completeUploadExternal"))
    assert bot.send.slash_command("export", user_id=user_id).status == 200
    completed = bot.slack.wait_for("files.completeUploadExternal", before + 1)[-1]
    (shared,) = completed.params["files"]
    return bot.slack.uploads[shared["id"]].decode("utf-8")


def feedback_texts(bot: Bot) -> list[str]:
    with bot.db.session() as session:
        return sorted(session.scalars(select(PlanFeedback.text)))


def test_feedback_is_in_the_employees_export_under_its_version_and_in_its_authors_as_written(bot: Bot) -> None:
    walk_wizard(bot.open_wizard(), goal="My first goal")
    with bot.db.session() as session:
        builders.active_line(session, EMPLOYEE, MANAGER, shared=True, now=bot.clock())
        builders.feedback(session, EMPLOYEE, MANAGER, FEEDBACK, now=bot.clock())

    received = export_of(bot, EMPLOYEE)
    assert "## Feedback on this version" in received and f"From Slack user {MANAGER}" in received
    # Someone else's words: quoted, their Markdown escaped; a viewer shows them exactly as written.
    assert escape(FEEDBACK, quote=False) in MarkdownIt("commonmark").render(received) and "<" not in received
    written = export_of(bot, MANAGER)
    assert "## Feedback you wrote" in written and f"To Slack user {EMPLOYEE}, on version 1" in written
    assert escape(FEEDBACK, quote=False) in written and "My first goal" not in written  # their words, not her plan


def test_deleting_erases_the_feedback_on_ones_plan_and_the_feedback_one_wrote_and_no_one_elses(bot: Bot) -> None:
    walk_wizard(bot.open_wizard())
    walk_wizard(bot.open_wizard(OTHER))
    with bot.db.session() as session:
        builders.feedback(session, EMPLOYEE, MANAGER, "to the employee", now=bot.clock())
        builders.feedback(session, OTHER, EMPLOYEE, "the employee's words to Other", now=bot.clock())
        builders.feedback(session, OTHER, MANAGER, "the manager's words to Other", now=bot.clock())

    said = str(Modal(bot, open_delete(bot), "VDELETE1", EMPLOYEE).submit().json()["view"]["blocks"])

    assert "1 feedback note on your plan, 1 feedback note you wrote" in said
    assert feedback_texts(bot) == ["the manager's words to Other"]
    said = str(Modal(bot, open_delete(bot, MANAGER), "VDELETE2", MANAGER).submit().json()["view"]["blocks"])
    assert "1 feedback note you wrote" in said
    assert feedback_texts(bot) == []
    assert version_ids(bot, OTHER) != []  # Other's plan itself stays
