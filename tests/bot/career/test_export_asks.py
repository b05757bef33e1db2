"""The export's asks for gaps: asks sent (to whom, when, what they were shown, status), the suggestions received
(someone else's words, quoted, so nothing they typed poses as part of the person's plan), and those written."""

from __future__ import annotations

from datetime import UTC, date, datetime

from markdown_it import MarkdownIt

from bot.career.asks import Ask, AskStatus, SuggestedGap, Suggestion
from bot.career.export import ASKS_HEADING, NOTHING_SAVED, export_markdown

TODAY = date(2026, 11, 21)
WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
HOSTILE = "<!channel> <@U0BOSS> & *bold* # not a heading"


def an_ask(n: int, status: AskStatus, goal: str | None = None) -> Ask:
    return Ask(n, "T0", "U0ANA", f"U0FRIEND{n}", "Senior engineer", goal, f"note {n} {HOSTILE}", status, WHEN)


def test_asks_sent_and_what_they_brought_are_exported() -> None:
    asks = [an_ask(1, AskStatus.ANSWERED, goal="Lead a team"), an_ask(2, AskStatus.DECLINED), an_ask(3, AskStatus.OPEN)]
    received = [
        Suggestion(1, "U0ANA", "U0FRIEND1", "Senior engineer", (SuggestedGap(5, HOSTILE, True),), HOSTILE, WHEN)
    ]
    document = export_markdown([], [], TODAY, asks=asks, suggestions_received=received)
    assert NOTHING_SAVED not in document and ASKS_HEADING in document
    assert "### Asked U0FRIEND1 on 20 Nov 2026, 09:30 UTC: answered" in document
    assert "and your goal, “Lead a team”" in document
    assert "U0FRIEND2 on 20 Nov 2026, 09:30 UTC: not now" in document and ": waiting for an answer" in document
    assert "note 1 &lt;!channel&gt;" in document
    html = str(MarkdownIt("commonmark").render(document))
    assert "<strong>bold</strong>" not in html.split("Gaps U0FRIEND1 suggested")[1]  # their words stay text
    assert "<h1>not a heading" not in html and "<!channel>" not in document


def test_gaps_written_for_others_are_the_persons_own() -> None:
    written = [Suggestion(9, "U0CAROL", "U0ANA", "Staff", (SuggestedGap(1, "Estimating & planning", False),), "", WHEN)]
    document = export_markdown([], [], TODAY, suggestions_written=written)
    assert "### Gaps you suggested to U0CAROL, 20 Nov 2026, 09:30 UTC" in document
    assert "1. Estimating &amp; planning" in document
    assert "encouragement" not in document
