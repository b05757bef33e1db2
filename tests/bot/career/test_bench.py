"""The manager's bench, pure: only reports who share with the manager, as their manager, produce entries; the
succession order; the next step (first not reached) and the focus gap with its date; the counts."""

from __future__ import annotations

from datetime import date

from bot.career.bench import Bench, BenchEntry, PlanGlance, build_bench, on_bench
from bot.career.lines import Line, LineStatus, RequestedBy
from bot.career.plan import Goal, GoalKind, Plan, Step
from bot.career.reflection import Direction

BOSS = "U0BOSS"


def line(n: int, *, shared: bool = True, manager: str = BOSS, status: LineStatus = LineStatus.ACTIVE) -> Line:
    return Line(
        id=n,
        team_id="T0TEAM",
        report=f"U0R{n:03d}",
        manager=manager,
        status=status,
        requested_by=RequestedBy.ADMIN,
        started_on=date(2026, 1, 1),
        cadence_months=3,
        shared=shared,
    )


def plan(*steps: Step, gaps: tuple[str, ...] = ("Design reviews",), since: date | None = date(2026, 10, 1)) -> Plan:
    return Plan(Goal(GoalKind.OWN, "Lead"), steps, gaps, focus_since=since if gaps else None)


def glance(*steps: Step) -> PlanGlance:
    return PlanGlance.of(plan(*steps))


def test_the_next_step_is_the_first_not_reached() -> None:
    steps = (
        Step("Tech lead", date(2026, 3, 31), done=True),
        Step("Senior", date(2027, 6, 30)),
        Step("Staff", date(2028, 1, 1)),
    )
    assert plan(*steps).next_step == steps[1]
    assert plan(Step("Tech lead", date(2026, 3, 31), done=True)).next_step is None
    assert plan().next_step is None


def test_only_reports_sharing_with_this_manager_on_an_active_line_are_on_the_bench() -> None:
    lines = [
        line(1),
        line(2, shared=False),
        line(3, status=LineStatus.ENDED),
        line(4, manager="U0OTHER"),
        line(5, status=LineStatus.PENDING),
    ]
    assert [on_bench(BOSS, each) for each in lines] == [True, False, False, False, False]
    everything = {each.report: glance(Step("Senior", date(2027, 6, 30))) for each in lines}
    directions = dict.fromkeys(everything, Direction.NEXT_STEP)
    bench = build_bench(BOSS, lines, everything, directions)
    assert [entry.report for entry in bench.entries] == ["U0R001"]
    assert (bench.sharing, bench.team_size) == (1, 5)


def test_a_glance_at_a_plan_is_its_next_step_and_its_focus_with_since_when() -> None:
    senior = Step("Senior", date(2027, 6, 30))
    two_gaps = plan(Step("Tech lead", date(2026, 3, 31), done=True), senior, gaps=("Design reviews", "Mentoring"))
    assert PlanGlance.of(two_gaps) == PlanGlance(senior, "Design reviews", date(2026, 10, 1))
    assert PlanGlance.of(plan(gaps=())) == PlanGlance()


def test_an_entry_holds_the_direction_next_step_and_focus() -> None:
    senior = Step("Senior", date(2027, 6, 30))
    bench = build_bench(
        BOSS,
        [line(1)],
        {"U0R001": PlanGlance.of(plan(Step("Tech lead", date(2026, 3, 31), done=True), senior))},
        {"U0R001": Direction.GROW_IN_ROLE},
    )
    assert bench.entries == [
        BenchEntry(
            "U0R001",
            Direction.GROW_IN_ROLE,
            next_step=senior,
            has_plan=True,
            focus_gap="Design reviews",
            focus_since=date(2026, 10, 1),
        )
    ]


def test_a_sharing_report_without_answers_is_on_the_bench_with_nothing_to_show() -> None:
    bench = build_bench(BOSS, [line(1)], {}, {})
    assert bench.entries == [BenchEntry("U0R001")]
    assert bench.leaning() == []


def test_the_succession_view_puts_the_next_step_first_then_by_the_soonest_target() -> None:
    lines = [line(n) for n in range(1, 8)]
    plans = {
        "U0R001": glance(Step("a", date(2028, 1, 1))),
        "U0R002": glance(Step("b", date(2027, 1, 1))),
        "U0R003": glance(Step("c", date(2027, 1, 1))),
        "U0R004": glance(Step("d", date(2026, 12, 1))),
        "U0R006": glance(Step("f", date(2026, 12, 1))),
    }
    directions = {
        "U0R001": Direction.NEXT_STEP,
        "U0R002": Direction.NEXT_STEP,
        "U0R003": Direction.NOT_SURE,
        "U0R004": Direction.DIFFERENT_PATH,
        "U0R005": Direction.GROW_IN_ROLE,
        "U0R006": None,  # reflected, without choosing a way: with the undecided, last
        "U0R007": Direction.NEXT_STEP,  # no plan: after those with a next step
    }
    bench = build_bench(BOSS, lines, plans, directions)
    assert [entry.report[-1] for entry in bench.entries] == ["2", "1", "7", "5", "4", "3", "6"]
    assert bench.leaning() == [
        (Direction.NEXT_STEP, 3),
        (Direction.GROW_IN_ROLE, 1),
        (Direction.DIFFERENT_PATH, 1),
        (Direction.NOT_SURE, 1),
    ]


def test_an_empty_team_makes_an_empty_bench() -> None:
    assert build_bench(BOSS, [], {}, {}) == Bench()
