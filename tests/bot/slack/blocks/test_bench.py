"""The bench on a manager's Home: the count, one line per sharing report in the succession order, escaped and
cut, capped within Slack's 100 blocks beside the largest plan and team."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from bot.career.asks import Ask, AskStatus, SuggestedGap, Suggestion
from bot.career.bench import Bench, BenchEntry
from bot.career.feedback import FeedbackNote
from bot.career.home import HomeData, TeamMember
from bot.career.lines import Line, LineStatus, RequestedBy
from bot.career.plan import MAX_GAPS, MAX_STEPS, ClosedGap, Goal, GoalKind, Plan, SavedPlan, Step
from bot.career.reflection import Direction, Reflection, SavedReflection, Why
from bot.career.sharing import MAX_VIEWERS, Share
from bot.slack.blocks.bench import BENCH_PAGE, bench_blocks, entry_text
from bot.slack.blocks.home import home_view
from tests.slackstate import assert_slack_accepts

TODAY = date(2026, 11, 21)
HOSTILE = ("<!channel> <@U0BOSS> & <https://evil.example|click> *x* " * 60)[:3000]
STAFF = Step("Staff engineer", date(2027, 9, 30))


def entry(n: int, direction: Direction | None = Direction.NEXT_STEP, **changes: Any) -> BenchEntry:
    fields: dict[str, Any] = {
        "next_step": STAFF,
        "has_plan": True,
        "focus_gap": "Leading design reviews",
        "focus_since": date(2026, 10, 31),
        **changes,
    }
    return BenchEntry(f"U0R{n:03d}", direction, **fields)


def bench_sections(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def test_each_sharing_report_is_one_line_of_the_succession_picture() -> None:
    assert entry_text(entry(1), TODAY) == (
        "<@U0R001> — leaning *next step* · next step: *Staff engineer* by 30 Sep 2027 · "
        "focus: *Leading design reviews* (for 3 weeks)"
    )
    assert entry_text(entry(2, Direction.GROW_IN_ROLE), TODAY).startswith("<@U0R002> — leaning *grow in this role* ·")
    assert "leaning *different path*" in entry_text(entry(3, Direction.DIFFERENT_PATH), TODAY)
    assert "leaning *not sure*" in entry_text(entry(4, Direction.NOT_SURE), TODAY)
    assert entry_text(entry(5, None), TODAY).startswith("<@U0R005> — no direction yet ·")


def test_what_a_report_has_not_written_is_said_plainly() -> None:
    assert entry_text(BenchEntry("U0R001"), TODAY) == "<@U0R001> — no direction yet · no plan yet"
    done = entry_text(entry(2, next_step=None, focus_gap=None, focus_since=None), TODAY)
    assert done == "<@U0R002> — leaning *next step* · every step reached · no open gap"
    late = entry_text(entry(3, next_step=Step("Senior", date(2026, 9, 30))), TODAY)
    assert "next step: *Senior* by 30 Sep 2026 (passed)" in late


def test_the_header_counts_who_shares_and_which_way_they_lean() -> None:
    bench = Bench([entry(1), entry(2), entry(3, Direction.GROW_IN_ROLE)], sharing=3, team_size=8)
    blocks = bench_blocks(bench, TODAY, room=100)
    text = str(blocks)
    assert "Your bench" in text
    assert "*3 of 8* share their plans with you · leaning next step: 2, grow in this role: 1." in text
    assert bench_sections(blocks) == [entry_text(e, TODAY) for e in bench.entries]
    assert "more who share" not in text
    alone = str(bench_blocks(Bench([entry(1, None)], sharing=1, team_size=1), TODAY, room=100))
    assert "*1 of 1* shares their plan with you. Only what" in alone


def test_nobody_sharing_is_a_count_and_no_names() -> None:
    blocks = bench_blocks(Bench([], sharing=0, team_size=3), TODAY, room=100)
    assert "*0 of 3* share their plans with you" in str(blocks)
    assert bench_sections(blocks) == []
    assert "<@" not in str(blocks)


def test_hostile_words_are_escaped_and_cut() -> None:
    blocks = bench_blocks(
        Bench([entry(1, next_step=Step(HOSTILE, date(2027, 1, 1)), focus_gap=HOSTILE)], 1, 1), TODAY, room=100
    )
    (text,) = bench_sections(blocks)
    assert "<!channel>" not in text and "<@U0BOSS>" not in text and "<https:" not in text
    assert "&lt;!channel&gt;" in text and "&amp;" in text
    assert len(text) < 600
    assert_slack_accepts({"type": "home", "blocks": blocks})


def test_a_long_bench_shows_a_page_and_points_to_the_team_command() -> None:
    entries = [entry(n) for n in range(1, 61)]
    blocks = bench_blocks(Bench(entries, 60, 200), TODAY, room=100)
    assert len(bench_sections(blocks)) == BENCH_PAGE
    assert f"…and {60 - BENCH_PAGE} more who share: their plans open with *View plan* in `/careerplan team`." in str(
        blocks
    )


def test_the_bench_never_takes_more_blocks_than_there_is_room_for() -> None:
    bench = Bench([entry(n) for n in range(1, 31)], 30, 30)
    for room in range(30):
        blocks = bench_blocks(bench, TODAY, room=room)
        assert len(blocks) <= room
        if blocks:
            assert "*30 of 30*" in str(blocks)  # the count shows whenever the bench does


def report_line(n: int) -> Line:
    return Line(n, "T1", f"U0T{n:03d}", "U0MGR", LineStatus.ACTIVE, RequestedBy.ADMIN, date(2026, 1, 5), 3, True, TODAY)


def test_the_whole_home_stays_within_100_blocks_with_the_largest_plan_team_and_bench() -> None:
    hostile = "<!channel>&<@U1>"
    plan = Plan(
        Goal(GoalKind.OWN, (hostile * 100)[:600], year_from_now=("&" * 1000)),
        tuple(Step(("<" * 150), date(2027, 1, 1)) for _ in range(MAX_STEPS)),
        tuple(">" * 400 for _ in range(MAX_GAPS)),
    )
    saved = SavedPlan(plan=plan, version=2, saved_at=datetime(2026, 11, 20, tzinfo=UTC))
    reflection = SavedReflection(Reflection("&" * 1000, "<" * 1000, tuple(Why), ">" * 1000, None), saved.saved_at)
    team = [TeamMember(report_line(n)) for n in range(1, 61)]
    bench = Bench([entry(n, focus_gap=HOSTILE) for n in range(1, 61)], 60, 400)
    view = home_view(HomeData(TODAY, saved, reflection, team=team, team_size=400, bench=bench))
    assert_slack_accepts(view)
    text = str(view["blocks"])
    assert "Your team" in text and "Your bench" in text and "*60 of 400*" in text
    assert "more who share" in text  # the page was cut, and says so
    assert "<!channel>" not in text


def test_the_bench_comes_after_the_team() -> None:
    view = home_view(HomeData(TODAY, team=[TeamMember(report_line(1))], team_size=1, bench=Bench([entry(1)], 1, 1)))
    headers = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers[-2:] == ["Your team", "Your bench"]


def test_a_home_with_every_section_at_its_largest_stays_within_100_blocks() -> None:
    """The employee's own sections at their most (closed gaps, feedback, asks, suggestions, ten viewers) beside
    a manager's largest team page and bench: Slack must still accept the Home, and the team and bench show."""
    sent = datetime(2026, 11, 20, tzinfo=UTC)
    plan = Plan(
        Goal(GoalKind.OWN, (HOSTILE * 2)[:600], year_from_now=("&" * 1000)),
        tuple(Step(("<" * 150), date(2027, 1, 1)) for _ in range(MAX_STEPS)),
        tuple(">" * 400 for _ in range(MAX_GAPS)),
        closed_gaps=tuple(ClosedGap("<" * 400, date(2026, 10, n), "&" * 300) for n in range(1, 21)),
        focus_since=date(2026, 9, 1),
    )
    saved = SavedPlan(plan=plan, version=9, saved_at=sent, id=9)
    reflection = SavedReflection(Reflection("&" * 1000, "<" * 1000, tuple(Why), ">" * 1000, None), sent)
    asks = [Ask(n, "T1", "U0EMP", f"U0F{n}", "<" * 150, None, "&" * 500, AskStatus.OPEN, sent) for n in range(3)]
    declined = [replace(ask, id=ask.id + 10, status=AskStatus.DECLINED, answered_at=sent) for ask in asks]
    suggestions = [
        Suggestion(
            n,
            "U0EMP",
            f"U0F{n}",
            "<" * 150,
            tuple(SuggestedGap(3 * n + g, ">" * 400, False) for g in range(3)),
            "&" * 500,
            sent,
        )
        for n in range(10)
    ]
    feedback = [FeedbackNote(n, "U0EMP", f"U0F{n}", 9, "<" * 1500, sent) for n in range(5)]
    viewers = [Share(n, "T1", "U0EMP", f"U0V{n}", sent) for n in range(MAX_VIEWERS)]
    team = [TeamMember(report_line(n)) for n in range(1, 61)]
    bench = Bench([entry(n, focus_gap=HOSTILE) for n in range(1, 61)], 60, 400)
    data = HomeData(
        TODAY,
        saved,
        reflection,
        team=team,
        team_size=400,
        bench=bench,
        feedback=feedback,
        viewers=viewers,
        open_asks=asks,
        declined_asks=declined,
        suggestions=suggestions,
    )
    view = home_view(data)
    assert_slack_accepts(view)
    text = str(view["blocks"])
    assert "Your team" in text and "Your bench" in text
    assert "<!channel>" not in text
