"""Suppression, adversarially: in many random small organisations, every report an admin could print (the
workspace, and the organisation under each manager, in every format) is read back, and no group of fewer than
min_group is recoverable from any one printed figure, from a share's complement, or from the difference of any
two printed figures of nested groups (a total and its part, a team and an organisation, two organisations)."""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.career.cadence import Outcome
from bot.career.report import OUTCOME_ORDER, M, TeamTally, build_report, held_in, month_keys, outcome_measure
from bot.report.render import render_csv, render_json, render_text

SINCE, UNTIL = date(2026, 1, 1), date(2026, 4, 30)
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
MONTHS = month_keys(SINCE, UNTIL)


@dataclass(frozen=True)
class Org:
    tallies: list[TeamTally]
    parent: dict[int, int | None]

    def members(self, root: int) -> set[int]:
        found = {root}
        changed = True
        while changed:
            changed = False
            for manager, parent in self.parent.items():
                if parent in found and manager not in found:
                    found.add(manager)
                    changed = True
        return found


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def random_org(rng: random.Random) -> Org:
    managers = rng.randint(1, 12)
    parent: dict[int, int | None] = {1: None}
    for manager in range(2, managers + 1):
        parent[manager] = rng.choice([None, *range(1, manager)]) if rng.random() < 0.2 else rng.randint(1, manager - 1)
    tallies = []
    for manager in range(1, managers + 1):
        # Teams below the top are often small: their organisations differ from their managers' teams by a few.
        size = rng.choice([5, 6, 8, 12, 20] if manager == 1 else [0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 20])
        on = rng.randint(0, size)
        held = rng.randint(0, 3 * size)
        ended = rng.randint(0, size)
        plans = rng.randint(0, size)
        new = rng.randint(0, size)
        due = rng.randint(0, new)
        counts: dict[str, int] = {
            M.PEOPLE: size,
            M.LINES_ACTIVE: size,
            M.CADENCE_LINES: size,
            M.ON_CADENCE: on,
            M.OVERDUE: rng.randint(size - on, size),
            M.LINES_NEW: new,
            M.FIRST_MONTH_DUE: due,
            M.FIRST_MONTH_ON_TIME: rng.randint(0, due),
            M.HELD: held,
            M.SKIPPED: rng.randint(0, size),
            M.EXPERIMENTS_AGREED: rng.randint(0, size),
            M.EXPERIMENTS_ENDED: ended,
            M.WITH_PLAN: plans,
            M.REVISED: rng.randint(0, plans),
            M.SHARING: rng.randint(0, plans),
        }
        counts |= {held_in(month): n for month, n in zip(MONTHS, _split(rng, held, len(MONTHS)), strict=True)}
        counts |= {outcome_measure(o): n for o, n in zip(OUTCOME_ORDER, _split(rng, ended, 4), strict=True)}
        late = {rng.randint(1, 90): 1 for _ in range(counts[M.OVERDUE])}
        tallies.append(TeamTally(manager, parent[manager], f"U{manager:07d}", counts, late))
    tallies.append(TeamTally(None, counts={M.PEOPLE: rng.randint(0, 7), M.WITH_PLAN: rng.randint(0, 2)}))
    return Org(tallies, parent)


@dataclass(frozen=True)
class Printed:
    """The figures one printed report shows: its groups (None: the workspace) and (key → count, of)."""

    scope: set[int] | None
    figures: dict[str, tuple[int, int | None]]


def read_back(data: dict[str, Any], org: Org, under: int | None) -> list[Printed]:
    """Every printed figure of one report's JSON: its own, then one Printed per team row."""
    own = {
        row["key"]: (row["count"], row["of"])
        for section in data["sections"]
        for row in section["rows"]
        if row["count"] is not None
    }
    printed = [Printed(None if under is None else org.members(under), own)]
    for team in data["teams"]:
        manager = int(team["manager"][1:])
        cells = {
            team[name]["key"]: (team[name]["count"], team[name]["of"]) for name in ("lines", "on_cadence", "overdue")
        }
        printed.append(Printed({-manager}, {key: value for key, value in cells.items() if value[0] is not None}))
    return printed


def contains(outer: Printed, inner: Printed, org: Org) -> bool:
    """Whether inner's group is part of outer's: a team (-m) is part of every organisation holding m."""
    if outer.scope is None:
        return True
    if inner.scope is None:
        return False
    if all(member < 0 for member in inner.scope):  # a team
        (team,) = inner.scope
        return -team in outer.scope if all(m > 0 for m in outer.scope) else inner.scope == outer.scope
    return all(m > 0 for m in outer.scope) and inner.scope <= outer.scope


def small(value: int, k: int) -> bool:
    return 0 < value < k


@pytest.mark.parametrize("seed", range(60))
def test_no_small_group_is_recoverable_from_any_printed_figure_or_pair(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(8):
        org = random_org(rng)
        k = rng.choice([2, 3, 5, 5, 5, 7])
        scopes = [None, *(tally.manager for tally in org.tallies if tally.manager is not None)]
        printed: list[Printed] = []
        for under in scopes:
            report = build_report(
                "T1", org.tallies, since=SINCE, until=UNTIL, generated_at=NOW, min_group=k, under=under, max_teams=100
            )
            data = json.loads(render_json(report))
            _same_in_every_format(report, data)
            printed += read_back(data, org, under)
        for one in printed:
            for key, (count, of) in one.figures.items():
                assert not small(count, k), (seed, key, count)
                if of is not None:
                    assert not small(of, k) and not small(of - count, k), (seed, key, count, of)
        for outer in printed:
            for inner in printed:
                if outer is inner or not contains(outer, inner, org):
                    continue
                for key, (count, of) in inner.figures.items():
                    if key not in outer.figures:
                        continue
                    outer_count, outer_of = outer.figures[key]
                    assert not small(outer_count - count, k), (seed, key, outer.scope, inner.scope)
                    if of is not None and outer_of is not None:
                        assert not small(outer_of - of, k), (seed, key, "denominator")
                        assert not small((outer_of - outer_count) - (of - count), k), (seed, key, "complement")
        # A total and one of its parts, within a report: what is left is no small group.
        for one in printed:
            for total, parts in (
                (M.HELD, [held_in(m) for m in MONTHS]),
                (M.EXPERIMENTS_ENDED, [outcome_measure(o) for o in OUTCOME_ORDER]),
            ):
                if total not in one.figures:
                    continue
                for part in parts:
                    if part in one.figures:
                        assert not small(one.figures[total][0] - one.figures[part][0], k), (seed, total, part)


def _same_in_every_format(report: Any, data: dict[str, Any]) -> None:
    """The table and the CSV print the figures the JSON does, and no others."""
    texts = [row["text"] for section in data["sections"] for row in section["rows"]]
    texts += [team[name]["text"] for team in data["teams"] for name in ("lines", "on_cadence", "overdue")]
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert [row["shown"] for row in rows] == texts
    table = render_text(report)
    for text in texts:
        assert text in table


def test_a_team_is_checked_against_its_managers_organisation() -> None:
    # Manager 1's team of 8 and organisation of 10 (manager 2's 2 below): printing both would give the 2 away.
    tallies = [
        TeamTally(1, None, "U0000001", {M.PEOPLE: 8, M.LINES_ACTIVE: 8}),
        TeamTally(2, 1, "U0000002", {M.PEOPLE: 2, M.LINES_ACTIVE: 2}),
        TeamTally(3, None, "U0000003", {M.PEOPLE: 10, M.LINES_ACTIVE: 10}),
    ]
    under = build_report("T1", tallies, since=SINCE, until=UNTIL, generated_at=NOW, under=1)
    assert under.figure(M.LINES_ACTIVE).count == 10
    (team,) = under.teams
    assert (team.manager, team.lines.count, team.lines.text(5)) == ("U0000001", None, "suppressed")


def test_the_check_itself_catches_a_leak() -> None:
    # Without suppression, an organisation of 20 inside a workspace of 22 leaks the other 2 by subtraction: the
    # reading above would see it (a guard that cannot fail would prove nothing).
    org = Org([TeamTally(1, None, "U0000001", {M.PEOPLE: 20}), TeamTally(None, counts={M.PEOPLE: 2})], {1: None})
    workspace = Printed(None, {M.PEOPLE: (22, None)})
    under = Printed({1}, {M.PEOPLE: (20, None)})
    assert contains(workspace, under, org) and small(22 - 20, 5)
    report = build_report("T1", org.tallies, since=SINCE, until=UNTIL, generated_at=NOW, under=1)
    assert report.figure(M.PEOPLE).count is None
    assert Outcome.STOP in OUTCOME_ORDER
