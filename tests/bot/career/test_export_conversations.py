"""The export's career conversations: what the report may read of them (notes only when the manager
shared them), written verbatim, in the order they were held."""

from __future__ import annotations

from datetime import date

from bot.career.cadence import ConversationKind, ExperimentKind, Outcome
from bot.career.conversation import Conversation, Experiment
from bot.career.export import CONVERSATIONS_HEADING, HISTORY_HEADING, NOTHING_SAVED, export_markdown

TODAY = date(2026, 11, 21)
HOSTILE = "<!channel> & *bold*\nsecond line"


def held(
    day: date, *, notes: str = "", shared: bool = False, experiments: list[Experiment] | None = None
) -> Conversation:
    return Conversation(
        id=day.toordinal(),
        line_id=1,
        kind=ConversationKind.HELD,
        held_on=day,
        notes=notes,
        notes_shared=shared,
        skip_reason="",
        next_in_months=4,
        experiments=experiments or [],
    )


def test_conversations_show_dates_experiments_and_only_shared_notes() -> None:
    shadow = Experiment(7, ExperimentKind.SHADOWING, "Shadow Dana's <design> reviews", date(2027, 1, 15))
    answered = Experiment(8, ExperimentKind.MENTORSHIP, "", date(2027, 2, 1), report_outcome=Outcome.CHANGED_GOAL)
    skipped = Conversation(9, 1, ConversationKind.SKIPPED, date(2026, 9, 1), "", False, "On leave", 3)
    document = export_markdown(
        [],
        [],
        TODAY,
        [
            held(date(2026, 11, 20), notes=HOSTILE, shared=True, experiments=[shadow, answered]),
            held(date(2026, 6, 1), notes="The manager's private notes", shared=False),
            skipped,
        ],
    )
    assert NOTHING_SAVED not in document
    section = document[document.index(CONVERSATIONS_HEADING) : document.index(HISTORY_HEADING)]
    headings = [line for line in section.splitlines() if line.startswith("### ")]
    assert headings == [
        "### 1 Jun 2026: held with your manager",
        "### 1 Sep 2026: cycle skipped by your manager",
        "### 20 Nov 2026: held with your manager",
    ]
    assert "The manager's private notes" not in document and "On leave" not in document
    assert HOSTILE in section  # verbatim: a file, not mrkdwn
    assert "- Shadowing: Shadow Dana's <design> reviews (until 15 Jan 2027)." in section
    assert "- Mentorship (until 1 Feb 2027). What it taught, you said: It changed the goal." in section


def test_without_conversations_the_document_is_unchanged() -> None:
    assert CONVERSATIONS_HEADING not in export_markdown([], [], TODAY)
    assert export_markdown([], [], TODAY) == export_markdown([], [], TODAY, [])
