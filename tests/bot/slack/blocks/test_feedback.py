"""The feedback modal and its reader come in a pair; the DM, the author's confirmation and Home's section are
escaped and fit Slack."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.career.feedback import FEEDBACK_MAX, FeedbackNote
from bot.career.home import HomeData
from bot.career.plan import SavedPlan
from bot.career.sharing import Reader
from bot.slack import ids
from bot.slack.blocks.feedback import (
    feedback_dm,
    feedback_errors,
    feedback_section,
    feedback_view,
    read_feedback,
    sent_text,
)
from bot.slack.blocks.home import home_view
from bot.slack.blocks.lines import report_plan_view
from tests.builders import a_plan
from tests.slackstate import assert_slack_accepts, state_from_initial

HOSTILE = "<!channel> <@U0X> & "
SENT_AT = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def note(text: str = "Good plan", *, version: int = 2) -> FeedbackNote:
    return FeedbackNote(id=1, report="U0ANA", author="U0BOSS", version=version, text=text, sent_at=SENT_AT)


def sections(blocks: list[dict[str, Any]]) -> str:
    return "".join(b["text"]["text"] for b in blocks if b["type"] == "section")


def test_the_modal_round_trips_what_is_typed() -> None:
    view = feedback_view("U0ANA", 3)
    assert_slack_accepts(view)
    assert view["callback_id"] == ids.VIEW_FEEDBACK and "private_metadata" not in view  # the listener stamps it
    [field] = [b for b in view["blocks"] if b["type"] == "input"]
    assert field["block_id"] == ids.BLOCK_FEEDBACK and not field["optional"]
    assert field["element"]["max_length"] == FEEDBACK_MAX and field["element"]["multiline"]
    assert field["hint"]["text"].startswith("Listen, be honest: if the goal doesn't fit their strengths")
    for typed in ("Good plan", f"{HOSTILE}\nsecond line", "x" * FEEDBACK_MAX):
        assert read_feedback(state_from_initial(view, {ids.BLOCK_FEEDBACK: {"value": typed}})) == typed


def test_the_reader_takes_a_missing_field_or_junk_as_nothing_typed() -> None:
    view = feedback_view("U0ANA", 1)
    assert read_feedback(state_from_initial(view)) == ""  # Slack sends null for an empty input
    assert read_feedback({}) == ""
    assert read_feedback({ids.BLOCK_FEEDBACK: "junk"}) == ""
    assert read_feedback({ids.BLOCK_FEEDBACK: {ids.ELEMENT: {"value": 42}}}) == ""
    assert feedback_errors("Write your feedback first.") == {ids.BLOCK_FEEDBACK: "Write your feedback first."}


def test_the_dm_names_the_author_and_version_keeps_the_whole_note_escaped_and_says_replies_are_direct() -> None:
    hostile = (HOSTILE * 100)[:FEEDBACK_MAX]
    text, blocks = feedback_dm(note(hostile))
    assert text == "Feedback from <@U0BOSS> on your plan (version 2)" and HOSTILE not in text
    shown = sections(blocks)
    assert "<!channel>" not in shown and "<@U0X>" not in shown
    assert shown.count("&lt;!channel&gt;") == hostile.count("<!channel>")
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert "careerplan doesn't pass replies on" in str(blocks)


def test_the_author_is_told_when_their_note_is_kept_with_the_version_they_read() -> None:
    assert "revised" not in sent_text("U0ANA", 2, 2)
    assert "now version 3" in sent_text("U0ANA", 2, 3) and "kept with version 2" in sent_text("U0ANA", 2, 3)


def test_home_shows_the_latest_notes_escaped_and_no_section_without_any() -> None:
    assert feedback_section([]) == []
    saved = SavedPlan(a_plan(), 2, SENT_AT)
    view = home_view(HomeData(today=date(2026, 11, 21), saved=saved, feedback=[note(HOSTILE * 200)]))
    assert_slack_accepts(view)
    shown = str(view["blocks"])
    assert "Feedback on your plan" in shown and "From <@U0BOSS>" in shown and "<!channel>" not in shown
    assert "Feedback on your plan" not in str(home_view(HomeData(today=date(2026, 11, 21), saved=saved))["blocks"])


def test_the_plan_view_has_a_feedback_button_naming_the_version_shown_only_when_asked() -> None:
    saved = SavedPlan(a_plan(), 4, SENT_AT)
    view = report_plan_view("U0ANA", Reader.MANAGER, saved, None, date(2026, 11, 21), feedback=True)
    assert_slack_accepts(view)
    [button] = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert (button["action_id"], button["value"]) == (ids.ACTION_FEEDBACK, "U0ANA:4")
    assert ids.ACTION_FEEDBACK not in str(
        report_plan_view("U0ANA", Reader.MANAGER, saved, None, date(2026, 11, 21))["blocks"]
    )
    assert ids.ACTION_FEEDBACK not in str(
        report_plan_view("U0ANA", Reader.MANAGER, None, None, date(2026, 11, 21), feedback=True)
    )
