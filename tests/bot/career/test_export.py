"""The export document: every saved answer as typed (never HTML), laid out as the three questions, then
reflections and history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from html import escape

from markdown_it import MarkdownIt

from bot.career.export import (
    CLOSED_GAPS_HEADING,
    FEEDBACK_WRITTEN_HEADING,
    FITS_VALUES_CHECK,
    GAPS_QUESTION,
    GOAL_QUESTION,
    HISTORY_HEADING,
    NOTHING_SAVED,
    OWN_WANT_CHECK,
    REFLECTIONS_HEADING,
    SHARED_WITH_HEADING,
    STEPS_QUESTION,
    export_markdown,
)
from bot.career.feedback import FeedbackNote
from bot.career.plan import Goal, GoalKind, Plan, SavedPlan, Step, close_focus
from bot.career.reflection import DIRECTION_LABELS, WHY_LABELS, Direction, Reflection, SavedReflection, Why
from bot.career.sharing import Share

TODAY = date(2026, 11, 21)
HOSTILE = "<!channel> <@U0BOSS> <http://evil.example|click> & &amp; 🚀 *bold* _it_ `code` # not a heading"
MULTILINE = "first line <b>\n  second line & more\n\n🌱 after a blank line"


def render(document: str) -> str:
    return str(MarkdownIt("commonmark").render(document))


def plan_of(goal_text: str, *, gaps: tuple[str, ...] = ("Leading design reviews", "Mentoring")) -> Plan:
    return Plan(
        goal=Goal(
            kind=GoalKind.OWN,
            text=goal_text,
            target=date(2029, 6, 30),
            target_text="June <2029> & 🎯",
            is_own_want=True,
            fits_values=False,
            year_from_now=MULTILINE,
        ),
        steps=(
            Step("Senior <engineer> & 🧗", date(2027, 9, 30), "Q3 2027", done=True),
            Step("Staff engineer", date(2028, 12, 31), ""),
        ),
        gaps=gaps,
    )


def saved(version: int, plan: Plan, day: int = 1) -> SavedPlan:
    return SavedPlan(plan=plan, version=version, saved_at=datetime(2026, 10, day, 9, 30, tzinfo=UTC))


REFLECTION = SavedReflection(
    Reflection(
        energy="Pairing on <hard> bugs & 🐛",
        year_from_now="Leading the <platform> team",
        why=(Why.CHALLENGES, Why.PAY),
        why_words=MULTILINE,
        direction=Direction.NEXT_STEP,
    ),
    saved_at=datetime(2026, 11, 2, 14, 5, tzinfo=UTC),
)


def test_every_saved_answer_appears_as_typed_and_none_becomes_html() -> None:
    current = plan_of(HOSTILE, gaps=(HOSTILE + " gap", MULTILINE))
    document = export_markdown([saved(1, plan_of("Old goal")), saved(2, current, day=5)], [REFLECTION], TODAY)

    for answer in (
        HOSTILE,
        HOSTILE + " gap",
        MULTILINE,
        "June <2029> & 🎯",
        "Senior <engineer> & 🧗",
        "Staff engineer",
        "Q3 2027",
        "Pairing on <hard> bugs & 🐛",
        "Leading the <platform> team",
        "Old goal",
    ):
        assert escape(answer, quote=False) in document, answer  # what a Markdown viewer shows as the text typed
    # `&`, `<` and `>` are entities, even one typed as an entity: no answer is HTML in a viewer.
    assert "<" not in document and ">" not in document
    assert document.count("&amp;amp;") == HOSTILE.count("&amp;") * 2
    assert "<b>" not in render(document) and "&lt;b&gt;" in render(document)


def test_the_current_plan_is_laid_out_as_the_three_questions() -> None:
    document = export_markdown([saved(1, plan_of("Lead a platform team"))], [], TODAY)
    lines = document.splitlines()

    assert lines[0] == "# My career plan"
    assert "Exported on 21 Nov 2026." in lines[2]
    assert "Current plan: version 1, saved 1 Oct 2026, 09:30 UTC." in lines
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        f"## {GOAL_QUESTION}",
        f"## {STEPS_QUESTION}",
        f"## {GAPS_QUESTION}",
        "## Reflections",
        "## History",
    ]
    assert "**Goal:** Lead a platform team" in lines
    assert "**Target:** 30 Jun 2029 (you wrote “June &lt;2029&gt; &amp; 🎯”)" in lines
    assert f"- [x] {OWN_WANT_CHECK}" in lines
    assert f"- [ ] {FITS_VALUES_CHECK}" in lines
    assert "1. Senior &lt;engineer&gt; &amp; 🧗: by 30 Sep 2027 (you wrote “Q3 2027”) (done)" in lines
    assert "2. Staff engineer: by 31 Dec 2028" in lines
    assert "1. **Focus:** Leading design reviews" in lines
    assert "2. Mentoring" in lines
    assert "No reflections saved." in lines
    assert "No earlier versions." in lines


def test_multi_line_answers_stand_in_their_own_paragraph() -> None:
    document = export_markdown([saved(1, plan_of("Lead"))], [], TODAY)
    assert f"**A year from now:**\n\n{escape(MULTILINE, quote=False)}\n" in document


def test_a_default_goal_is_named_and_words_given_for_it_are_kept() -> None:
    plain_default = Plan(goal=Goal(kind=GoalKind.REACH_SENIOR), steps=(), gaps=())
    document = export_markdown([saved(1, plain_default)], [], TODAY)
    assert "**Goal:** Reach the senior level" in document
    assert "**Target:** none set" in document
    assert "No steps." in document and "No gaps." in document

    with_words = Plan(goal=Goal(kind=GoalKind.KEEP_IMPROVING, text="Get better at <SQL>"), steps=(), gaps=())
    document = export_markdown([saved(1, with_words)], [], TODAY)
    assert "**Goal:** Get better at &lt;SQL&gt;" in document
    assert "Kind of goal: Keep improving myself and the value I deliver" in document


def test_reflections_come_with_their_date_and_the_labels_people_chose() -> None:
    later = SavedReflection(
        Reflection(energy="", year_from_now="", why=(), why_words="", direction=Direction.NOT_SURE),
        saved_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    )
    document = export_markdown([], [later, REFLECTION], TODAY)

    assert "No plan saved yet." in document
    reflections = document.split(REFLECTIONS_HEADING)[1].split(HISTORY_HEADING)[0]
    # Oldest first, whatever order they were given in.
    assert reflections.index("### 2 Nov 2026, 14:05 UTC") < reflections.index("### 20 Nov 2026, 08:00 UTC")
    assert f"{WHY_LABELS[Why.CHALLENGES]}, {WHY_LABELS[Why.PAY]}" in reflections
    assert DIRECTION_LABELS[Direction.NEXT_STEP] in reflections
    assert DIRECTION_LABELS[Direction.NOT_SURE] in reflections
    assert "energy" in reflections and "Pairing on &lt;hard&gt; bugs &amp; 🐛" in reflections


def test_history_holds_every_earlier_version_newest_first_laid_out_the_same_way() -> None:
    versions = [saved(n, plan_of(f"Goal of version {n}"), day=n) for n in (1, 2, 3)]
    document = export_markdown(list(reversed(versions)), [], TODAY)

    current, history = document.split(HISTORY_HEADING)
    assert "Goal of version 3" in current
    assert "Goal of version 1" not in current and "Goal of version 2" not in current
    assert "Goal of version 3" not in history
    assert history.index("### Version 2, saved 2 Oct 2026") < history.index("### Version 1, saved 1 Oct 2026")
    for question in (GOAL_QUESTION, STEPS_QUESTION, GAPS_QUESTION):
        assert history.count(f"#### {question}") == 2
    assert history.count("**Focus:** Leading design reviews") == 2


def test_nothing_saved_says_so() -> None:
    document = export_markdown([], [], TODAY)
    assert document.splitlines() == [
        "# My career plan",
        "",
        "Exported on 21 Nov 2026. Everything below is exactly as you saved it.",
        "",
        NOTHING_SAVED,
    ]
    assert document.endswith("\n")


def test_closed_gaps_are_listed_with_their_dates_and_notes_in_the_plan_and_its_history() -> None:
    first = replace(plan_of("Lead a platform team"), focus_since=date(2026, 9, 1))
    closed = close_focus(first, date(2026, 11, 1), f"Ran three reviews\n{HOSTILE}")
    document = export_markdown([saved(1, first), saved(2, closed, day=2)], [], TODAY)
    lines = document.splitlines()
    current = lines[: lines.index(HISTORY_HEADING)]
    assert "1. **Focus:** Mentoring (the focus since 1 Nov 2026)" in current
    assert f"{CLOSED_GAPS_HEADING} latest first:" in current
    assert "- Leading design reviews (closed 1 Nov 2026): Ran three reviews" in current
    assert "  &lt;!channel&gt; &lt;@U0BOSS&gt;" in document  # the note's second line, inside its list item
    history = lines[lines.index(HISTORY_HEADING) :]
    assert "1. **Focus:** Leading design reviews (the focus since 1 Sep 2026)" in history
    assert not any("closed 1 Nov" in line for line in history)  # version 1 had no closed gap
    html = render(document)
    assert "<!channel>" not in html and "<@U0BOSS>" not in html
    assert html.count("<li>Leading design reviews (closed 1 Nov 2026)") == 1


def test_a_plan_with_every_gap_closed_says_no_open_gaps() -> None:
    plan = close_focus(close_focus(plan_of("Lead"), date(2026, 10, 1)), date(2026, 11, 1), "")
    lines = export_markdown([saved(1, plan)], [], TODAY).splitlines()
    assert "No open gaps." in lines
    latest = lines.index("- Mentoring (closed 1 Nov 2026)")  # no note: no colon
    assert lines[latest + 1] == "- Leading design reviews (closed 1 Oct 2026)"


def feedback_note(
    version: int, text: str, *, author: str = "U0BOSS", report: str = "U0ANA", hour: int = 9
) -> FeedbackNote:
    return FeedbackNote(
        id=hour,
        report=report,
        author=author,
        version=version,
        text=text,
        sent_at=datetime(2026, 11, 3, hour, tzinfo=UTC),
    )


def test_feedback_received_is_written_under_the_version_it_is_kept_with_quoted_as_someone_elses_words() -> None:
    versions = [saved(1, plan_of("Old goal")), saved(2, plan_of("New goal"), day=5)]
    received = [
        feedback_note(2, "Later on v2", author="U0MENTOR", hour=11),
        feedback_note(2, f"{HOSTILE}\n# posing as a heading", hour=10),
        feedback_note(1, "On the old goal"),
    ]
    document = export_markdown(versions, [], TODAY, feedback_received=received)

    current, history = document.split(HISTORY_HEADING)
    assert "## Feedback on this version" in current and "#### Feedback on this version" in history
    assert "From Slack user U0BOSS, 3 Nov 2026, 10:00 UTC:" in current
    assert current.index("3 Nov 2026, 10:00 UTC") < current.index("From Slack user U0MENTOR, 3 Nov 2026, 11:00 UTC:")
    assert "> \\# posing as a heading" in current  # quoted: it cannot pass for part of the plan
    assert "On the old goal" in history and "On the old goal" not in current
    assert "<" not in document
    headings = [line for line in render(document).splitlines() if line.startswith("<h")]
    assert not any("posing" in heading for heading in headings)


def test_feedback_written_is_listed_with_whom_and_when_even_with_nothing_else_saved() -> None:
    written = [feedback_note(3, "Your <steps> & fit", report="U0BO", hour=12), feedback_note(1, "Earlier", hour=8)]
    document = export_markdown([], [], TODAY, feedback_written=written)
    assert NOTHING_SAVED not in document
    _, mine = document.split(FEEDBACK_WRITTEN_HEADING)
    assert mine.index("Earlier") < mine.index("Your &lt;steps&gt; &amp; fit")  # oldest first, as typed
    assert "### To Slack user U0BO, on version 3 of their plan, 3 Nov 2026, 12:00 UTC" in mine


def test_whom_the_plan_is_shared_with_is_listed_with_since_when() -> None:
    shares = [
        Share(2, "T1", "U0ANA", "U0COACH", datetime(2026, 11, 2, 8, 0, tzinfo=UTC)),
        Share(1, "T1", "U0ANA", "U0MENTOR", datetime(2026, 11, 1, 8, 0, tzinfo=UTC)),
    ]
    document = export_markdown([saved(1, plan_of("Goal"))], [], TODAY, shares=shares)
    shared = document[document.index(SHARED_WITH_HEADING) : document.index(HISTORY_HEADING)]
    assert "Your current plan (not your reflections) is shared, read-only, with:" in shared
    assert shared.index("- Slack user U0MENTOR, since 1 Nov 2026, 08:00 UTC") < shared.index(
        "- Slack user U0COACH, since 2 Nov 2026, 08:00 UTC"
    )
    assert SHARED_WITH_HEADING not in export_markdown([saved(1, plan_of("Goal"))], [], TODAY)
    alone = export_markdown([], [], TODAY, shares=shares[1:])
    assert NOTHING_SAVED not in alone and "U0MENTOR" in alone and "No plan saved yet." in alone
