"""The manager's own reminders beside the questions (issue 15): the article's honesty prompt on every
reminder that invites a conversation, and "normalize ambition" on the first month only."""

from __future__ import annotations

import pytest

from bot.career.cadence import NudgeKind
from bot.career.nudges import AMBITION_PROMPT, HONESTY_PROMPT, manager_reminders


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (NudgeKind.FIRST_MONTH, [AMBITION_PROMPT, HONESTY_PROMPT]),
        (NudgeKind.DUE_SOON, [HONESTY_PROMPT]),
        (NudgeKind.OVERDUE_1, [HONESTY_PROMPT]),
        (NudgeKind.OVERDUE_2, [HONESTY_PROMPT]),
        (NudgeKind.OVERDUE_3, [HONESTY_PROMPT]),
        (NudgeKind.EXPERIMENT_ENDED, []),  # asks what an experiment taught; no conversation to prepare
    ],
)
def test_each_reminder_kind_gets_its_reminders(kind: NudgeKind, expected: list[str]) -> None:
    assert manager_reminders(kind) == expected


def test_the_words_are_the_articles_and_short() -> None:
    assert HONESTY_PROMPT == "If the goal doesn't fit their strengths, say so and help find a path that does."
    assert "aim high" in AMBITION_PROMPT and "beyond this team" in AMBITION_PROMPT
    assert all(len(words) <= 150 for words in (HONESTY_PROMPT, AMBITION_PROMPT))
