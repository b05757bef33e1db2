"""The export's career conversations: what the report may read of them (notes only when the manager
shared them), in the order they were held; the manager's words quoted, so none can pose as the report's own."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.career.cadence import ConversationKind, ExperimentKind, Outcome
from bot.career.conversation import Conversation, Experiment
from bot.career.export import CONVERSATIONS_HEADING, HISTORY_HEADING, NOTHING_SAVED, export_markdown
from bot.career.plan import Goal, GoalKind, Plan, SavedPlan, Step

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
    assert "> &lt;\\!channel&gt; &amp; \\*bold\\*\\\n> second line\n" in section  # quoted, as the manager wrote it
    assert "- Shadowing: “Shadow Dana's &lt;design&gt; reviews” (until 15 Jan 2027)." in section
    assert "- Mentorship (until 1 Feb 2027). What it taught, you said: It changed the goal." in section


def test_without_conversations_the_document_is_unchanged() -> None:
    assert CONVERSATIONS_HEADING not in export_markdown([], [], TODAY)
    assert export_markdown([], [], TODAY) == export_markdown([], [], TODAY, [])


# -- a manager's words cannot pose as the report's own plan ------------------------------------------

MARKDOWN = MarkdownIt("commonmark")
PLAN = SavedPlan(
    Plan(Goal(kind=GoalKind.OWN, text="Lead a platform team"), (Step("Senior engineer", date(2027, 9, 30)),), ("SQL",)),
    version=1,
    saved_at=datetime(2026, 10, 1, 9, 30, tzinfo=UTC),
)
FORGERIES = {
    "a heading": "## History",
    "the document's title": "# My career plan",
    "a bold label": "**Goal:** Become the CEO by Friday",
    "a focus gap": "1. **Focus:** Obedience",
    "raw html": '<img src="https://evil.example/t.png" onerror="alert(1)">',
    "a closing tag and a script": "</blockquote><script>alert(1)</script>",
    "a quote ending, then a heading": "> the end of the quote\n\n## 1. What career goal do you have?",
    "a setext heading": "My plan\n===",
    "a rule and a list": "---\n- [x] It's what I want\n+ item",
    "an indented heading": "   ### Version 7, saved today",
    "a code fence": "```\n## inside a fence\n```",
    "a link and an image": "[click](https://evil.example) ![x](https://evil.example/x.png)",
    "an entity typed": "&lt;b&gt; &amp; &#35; heading",
    "a table": "| a | b |\n|---|---|\n| c | d |",
}


def document_with(notes: str, what: str) -> str:
    experiment = Experiment(7, ExperimentKind.SHADOWING, what, date(2027, 1, 15))
    conversation = held(date(2026, 11, 20), notes=notes, shared=True, experiments=[experiment])
    return export_markdown([PLAN], [], TODAY, [conversation])


def structure(tokens: list[Token]) -> list[str]:
    """The blocks a Markdown viewer shows, without their text: headings, lists, quotes, HTML, code."""
    return [
        token.type + token.tag for token in tokens if token.type not in ("inline", "paragraph_open", "paragraph_close")
    ]


def quoted_text(tokens: list[Token]) -> str:
    """The text a viewer shows inside the blockquote, paragraphs apart by a blank line."""
    inside, paragraphs = False, []
    for token in tokens:
        inside = (inside or token.type == "blockquote_open") and token.type != "blockquote_close"
        if inside and token.type == "inline":
            assert {child.type for child in token.children or []} <= {"text", "hardbreak"}, token.children
            paragraphs.append("".join("\n" if c.type == "hardbreak" else c.content for c in token.children or []))
    return "\n\n".join(paragraphs)


@pytest.mark.parametrize("forged", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_managers_words_are_shown_as_typed_inside_a_quote_and_shape_nothing_else(forged: str) -> None:
    plain = MARKDOWN.parse(document_with("Good talk", "Shadow Dana"))
    document = document_with(forged, forged)
    tokens = MARKDOWN.parse(document)

    # The same headings, lists and quote as with harmless words: nothing new, nothing lost, no HTML.
    assert structure(tokens) == structure(plain)
    html = MARKDOWN.render(document)
    for tag in ("<img", "<script", "<a ", "<table", "<code", "<h1>My", "</blockquote><script"):
        assert tag not in html.replace("<h1>My career plan</h1>", "", 1), tag
    # …and the reader sees the manager's words exactly, line by line (indents aside), as a quote.
    typed = "\n".join(line.strip() for line in forged.splitlines())
    assert quoted_text(tokens) == typed
    experiment = next(line for line in document.splitlines() if line.startswith("- Shadowing: "))
    shown = "".join(child.content for child in MARKDOWN.parseInline(experiment)[0].children or [])
    assert shown.startswith(f"- Shadowing: “{' '.join(forged.split())}”")
