"""The report's figure rules and suppression (bot.career.report), from tallies written out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.career.cadence import Outcome
from bot.career.report import (
    Hidden,
    M,
    Report,
    ScopeError,
    TeamTally,
    build_report,
    default_period,
    headlines,
    held_in,
    month_keys,
    outcome_measure,
)

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
SINCE, UNTIL = date(2026, 1, 1), date(2026, 3, 31)


def report(*tallies: TeamTally, under: int | None = None, min_group: int = 5, max_teams: int = 25) -> Report:
    return build_report(
        "T1", tallies, since=SINCE, until=UNTIL, generated_at=NOW, min_group=min_group, under=under, max_teams=max_teams
    )


def team(manager: int, parent: int | None = None, **counts: int) -> TeamTally:
    return TeamTally(
        manager, parent, f"U{manager:08d}", {key.replace("__", "."): value for key, value in counts.items()}
    )


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (date(2026, 11, 21), (date(2025, 11, 22), date(2026, 11, 21))),
        (date(2024, 2, 29), (date(2023, 3, 1), date(2024, 2, 29))),  # leap day: 12 months back is Feb 28
        (date(2026, 3, 31), (date(2025, 4, 1), date(2026, 3, 31))),
    ],
)
def test_the_default_period_is_the_last_twelve_months_ending_today(today: date, period: tuple[date, date]) -> None:
    assert default_period(today) == period


def test_the_months_of_a_period_cross_the_year() -> None:
    assert month_keys(date(2025, 11, 30), date(2026, 2, 1)) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_counts_and_shares_read_as_a_person_would() -> None:
    built = report(team(1, people=40, lines__active=40, cadence__lines=40, cadence__on=30, cadence__overdue=10))
    assert built.figure(M.PEOPLE).text(5) == "40"
    assert built.figure(M.ON_CADENCE).text(5) == "30 of 40 (75%)"
    assert built.figure(M.ON_CADENCE).share == 0.75


@pytest.mark.parametrize(
    ("count", "shown"), [(0, "0 of 20 (0%)"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5 of 20 (25%)")]
)
def test_a_group_under_the_minimum_reads_fewer_than_it(count: int, shown: str) -> None:
    built = report(
        team(1, people=20, lines__active=20, cadence__lines=20, cadence__overdue=count, cadence__on=20 - count)
    )
    assert built.figure(M.OVERDUE).text(5) == shown


def test_the_minimum_group_is_the_one_asked_for() -> None:
    built = report(
        team(1, people=20, lines__active=20, cadence__lines=20, cadence__overdue=6, cadence__on=14), min_group=7
    )
    assert built.figure(M.OVERDUE).text(7) == "fewer than 7"
    with pytest.raises(ValueError, match="at least 2"):
        report(team(1), min_group=1)


@pytest.mark.parametrize("not_on_cadence", [1, 4])
def test_a_share_whose_complement_is_small_is_suppressed(not_on_cadence: int) -> None:
    # 18 of 20 on cadence would tell that 2 are not.
    built = report(team(1, people=20, lines__active=20, cadence__lines=20, cadence__on=20 - not_on_cadence))
    on = built.figure(M.ON_CADENCE)
    assert (on.count, on.hidden, on.text(5)) == (None, Hidden.PROTECTS, "suppressed")


def test_a_share_of_a_small_denominator_is_hidden() -> None:
    built = report(team(1, lines__new=3, first_month__due=3, first_month__on_time=0))
    assert built.figure(M.FIRST_MONTH_ON_TIME).hidden is Hidden.SMALL


def test_an_organisation_that_differs_from_the_workspace_by_a_small_group_is_suppressed() -> None:
    # The workspace has 3 more people (the top) than the organisation under manager 1: its people figure would give
    # them away by subtraction; its lines figure (the same in both) does not.
    top = TeamTally(None, counts={M.PEOPLE: 3})
    under = report(team(1, people=20, lines__active=20, plans__with_plan=10), top, under=1)
    assert under.scope == "under U00000001"
    assert under.figure(M.PEOPLE).hidden is Hidden.PROTECTS
    assert under.figure(M.LINES_ACTIVE).text(5) == "20"
    # And the plans of the top three, by the same subtraction: 12 - 10 = 2 of them have one.
    top = TeamTally(None, counts={M.PEOPLE: 10, M.WITH_PLAN: 2})
    under = report(team(1, people=20, lines__active=20, plans__with_plan=10), top, under=1)
    assert under.figure(M.WITH_PLAN).hidden is Hidden.PROTECTS
    assert (
        report(team(1, people=20, lines__active=20, plans__with_plan=10), top).figure(M.WITH_PLAN).text(5)
        == "12 of 30 (40%)"
    )


def test_an_organisation_is_checked_against_every_organisation_above_it() -> None:
    # 1 manages 2, 2 manages 3. Under 3 vs under 2: 2's own team of 3 people would show by subtraction.
    tallies = (
        team(1, None, people=10, lines__active=10),
        team(2, 1, people=3, lines__active=3),
        team(3, 2, people=10, lines__active=10),
    )
    assert report(*tallies, under=2).figure(M.PEOPLE).text(5) == "13"
    assert report(*tallies, under=3).figure(M.PEOPLE).hidden is Hidden.PROTECTS


def test_an_unknown_manager_has_no_organisation() -> None:
    with pytest.raises(ScopeError):
        report(team(1, people=10), under=99)


def test_a_lone_small_month_takes_the_smallest_other_with_it() -> None:
    months = {held_in("2026-01"): 2, held_in("2026-02"): 9, held_in("2026-03"): 7}
    built = report(TeamTally(1, None, "U1", {M.HELD: 18, **months}))
    shown = {row.label: row.text(5) for row in built.section("months").rows}
    # The total (18) minus the shown months must not give January's 2: March goes too.
    assert shown == {"2026-01": "fewer than 5", "2026-02": "9", "2026-03": "suppressed"}
    assert built.figure(M.HELD).text(5) == "18"


def test_outcomes_are_parts_of_the_experiments_ended() -> None:
    outcomes = {outcome_measure(Outcome.KEEP_GOING): 6, outcome_measure(Outcome.STOP): 1, outcome_measure(None): 8}
    built = report(TeamTally(1, None, "U1", {M.EXPERIMENTS_ENDED: 15, **outcomes}))
    rows = {row.key: row.text(5) for row in built.section("experiments").rows}
    assert rows[outcome_measure(Outcome.STOP)] == "fewer than 5"
    assert rows[outcome_measure(Outcome.KEEP_GOING)] == "suppressed"
    assert rows[outcome_measure(Outcome.CHANGED_GOAL)] == "0 of 15 (0%)"
    assert rows[outcome_measure(None)] == "8 of 15 (53%)"


@pytest.mark.parametrize(
    ("late_days", "median"),
    [({3: 5}, 3.0), ({1: 2, 10: 3}, 10.0), ({1: 3, 9: 3}, 5.0), ({2: 1, 4: 1, 40: 4}, 40.0)],
)
def test_the_median_days_late_comes_from_grouped_day_counts(late_days: dict[int, int], median: float) -> None:
    overdue = sum(late_days.values())
    counts: dict[str, int] = {
        M.LINES_ACTIVE: 30,
        M.CADENCE_LINES: 30,
        M.OVERDUE: overdue,
        M.ON_CADENCE: 30 - overdue,
        M.PEOPLE: 30,
    }
    built = report(TeamTally(1, None, "U1", counts, late_days))
    assert built.figure("cadence.median_days_late").days == median


def test_the_median_of_a_small_overdue_group_is_not_shown() -> None:
    counts: dict[str, int] = {M.LINES_ACTIVE: 30, M.CADENCE_LINES: 30, M.OVERDUE: 2, M.ON_CADENCE: 28, M.PEOPLE: 30}
    built = report(TeamTally(1, None, "U1", counts, {100: 1, 200: 1}))
    assert built.figure("cadence.median_days_late").text(5) == "suppressed"  # not "fewer than 5" (days)


def test_teams_are_listed_by_their_managers_id_only_when_big_enough_least_on_cadence_first() -> None:
    tallies = [
        team(1, None, people=6, lines__active=6, cadence__lines=6, cadence__on=6),
        team(2, 1, people=10, lines__active=10, cadence__lines=10, cadence__on=5, cadence__overdue=5),
        team(3, 1, people=4, lines__active=4, cadence__lines=4, cadence__on=4),
    ]
    built = report(*tallies)
    assert [row.manager for row in built.teams] == ["U00000002", "U00000001"]
    assert built.teams[0].on_cadence.text(5) == "5 of 10 (50%)"
    assert built.teams_small == 1  # manager 3's team of 4: neither named nor counted apart
    assert all("U00000003" not in row.manager for row in built.teams)
    assert report(*tallies, max_teams=1).teams_not_listed == 1
    # Had team 3's people been behind, team 2's share would have given away how many: the workspace's 9 not on
    # cadence minus team 2's 5.
    tallies[2] = team(3, 1, people=4, lines__active=4, cadence__lines=4, cadence__on=0, cadence__overdue=4)
    assert report(*tallies).teams[-1].on_cadence.text(5) == "suppressed"


def test_the_headlines_are_the_handful_for_home() -> None:
    built = report(team(1, people=40, lines__active=40, cadence__lines=40, cadence__on=30, cadence__overdue=10))
    assert [figure.key for figure in headlines(built)] == [
        M.PEOPLE,
        M.LINES_ACTIVE,
        M.FIRST_MONTH_ON_TIME,
        M.ON_CADENCE,
        M.OVERDUE,
        M.WITH_PLAN,
    ]
    assert headlines(built)[3].text(5) == "30 of 40 (75%)"
