"""The admin's report (issue 16, F13): counts and shares of a workspace or of a manager's organisation over a
period, with small groups suppressed. Pure: no Slack, no SQL; storage.report reads the tallies.

Everything is tallied per *team*: the reporting lines of one manager (active and ended ones, each counted under
the manager it had), and for people-based figures the people whose active manager that is. People with no
active manager are one more group, counted in the workspace only. A manager's organisation (`--under`) is their
own team and the teams of everyone under them through active lines; its people are the reports in it (not the
manager).

Suppression: a group of 1 to `min_group - 1` is never printed, nor any figure from which one could be worked
out with another figure the report prints or another report would print:
- its own count ("fewer than N"), its complement within its denominator (on cadence vs not), and the
  denominator itself;
- the difference with the same figure of every enclosing scope (the workspace, the organisations of the
  manager's managers), so no subtraction between two reports yields a small group; a team row checks itself
  against its manager's organisation and every enclosing one the same way;
- in a family of parts that add up to a total (conversations per month, experiment outcomes), a lone hidden part
  takes another with it, so the total minus the shown parts is never a small group.
Cells hidden only to protect another group read "suppressed".
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from bot.career.cadence import FIRST_CONVERSATION_DAYS, Outcome, add_months

DEFAULT_MIN_GROUP: Final = 5
MIN_MIN_GROUP: Final = 2
ON_CADENCE_GRACE_DAYS: Final = 14  # a line is on cadence while its conversation is at most this many days late
DEFAULT_MAX_TEAMS: Final = 25
WORKSPACE: Final = "workspace"


def default_period(today: date) -> tuple[date, date]:
    """The last 12 months ending `today`, both days included."""
    return add_months(today, -12) + timedelta(days=1), today


def month_keys(since: date, until: date) -> list[str]:
    """The months of the period, "YYYY-MM", oldest first."""
    keys = []
    year, month = since.year, since.month
    while (year, month) <= (until.year, until.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


# --- what storage tallies --------------------------------------------------------------------------------------


class M(StrEnum):
    """The measures tallied per team. A measure is a count of people, lines, conversations or experiments."""

    PEOPLE = "people"
    LINES_ACTIVE = "lines.active"
    LINES_NEW = "lines.new"
    FIRST_MONTH_DUE = "first_month.due"  # new lines whose first 30 days are over (or whose first talk was held)
    FIRST_MONTH_ON_TIME = "first_month.on_time"
    HELD = "conversations.held"
    SKIPPED = "conversations.skipped"
    CADENCE_LINES = "cadence.lines"  # active lines with a due date
    ON_CADENCE = "cadence.on"
    OVERDUE = "cadence.overdue"
    EXPERIMENTS_AGREED = "experiments.agreed"
    EXPERIMENTS_ENDED = "experiments.ended"
    WITH_PLAN = "plans.with_plan"
    REVISED = "plans.revised"
    SHARING = "plans.sharing"


def held_in(month: str) -> str:
    """The measure of conversations held in a month ("YYYY-MM")."""
    return f"{M.HELD}.{month}"


def outcome_measure(outcome: Outcome | None) -> str:
    """The measure of ended experiments by their outcome (None: nobody answered yet)."""
    return f"experiments.outcome.{outcome.value if outcome is not None else 'unanswered'}"


OUTCOME_ORDER: Final[tuple[Outcome | None, ...]] = (Outcome.KEEP_GOING, Outcome.STOP, Outcome.CHANGED_GOAL, None)


@dataclass(frozen=True)
class TeamTally:
    """The counts of one team, as storage.report reads them. `manager` is None for the group of people with no
    active manager (workspace-wide figures only); `parent` is the manager's own active manager, if any."""

    manager: int | None
    parent: int | None = None
    label: str = ""  # the manager's Slack user id
    counts: Mapping[str, int] = field(default_factory=dict)
    late_days: Mapping[int, int] = field(default_factory=dict)  # overdue lines by how many days late


# --- what the report prints -------------------------------------------------------------------------------------


class Hidden(StrEnum):
    SMALL = "small"  # the group itself has fewer than min_group: "fewer than 5"
    PROTECTS = "protects"  # hidden so another small group cannot be worked out: "suppressed"


@dataclass(frozen=True)
class Figure:
    """One printed cell: a count, a count of a denominator (a share), or a number of days; or hidden."""

    key: str
    label: str
    count: int | None = None
    of: int | None = None  # the denominator, for a share
    days: float | None = None  # for a median of days
    hidden: Hidden | None = None

    @property
    def share(self) -> float | None:
        if self.count is None or not self.of:
            return None
        return self.count / self.of

    def text(self, min_group: int) -> str:
        if self.hidden is Hidden.SMALL:
            return f"fewer than {min_group}"
        if self.hidden is Hidden.PROTECTS:
            return "suppressed"
        if self.days is not None:
            return f"{self.days:g} days"
        if self.count is None:
            return "–"
        if self.of is not None:
            share = self.share
            percent = f" ({share:.0%})" if share is not None else ""
            return f"{self.count:,} of {self.of:,}{percent}"
        return f"{self.count:,}"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: tuple[Figure, ...]


@dataclass(frozen=True)
class TeamRow:
    """One team (a manager's direct reports) in the per-team table: labelled by its manager's Slack id, shown only
    when the team has at least min_group people."""

    manager: str
    lines: Figure
    on_cadence: Figure
    overdue: Figure


@dataclass(frozen=True)
class Report:
    team_id: str
    scope: str  # "workspace" or "under <slack id>"
    since: date
    until: date
    generated_at: datetime
    min_group: int
    sections: tuple[Section, ...]
    teams: tuple[TeamRow, ...] = ()  # the teams shown, least on cadence first, at most max_teams
    teams_small: int = 0  # teams in scope with fewer than min_group people: not listed
    teams_not_listed: int = 0  # teams big enough, beyond max_teams

    def figure(self, key: str) -> Figure:
        for section in self.sections:
            for row in section.rows:
                if row.key == key:
                    return row
        raise KeyError(key)

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)

    def figures(self) -> Iterable[Figure]:
        for section in self.sections:
            yield from section.rows
        for team in self.teams:
            yield from (team.lines, team.on_cadence, team.overdue)


HEADLINE_KEYS: Final = (
    M.PEOPLE,
    M.LINES_ACTIVE,
    M.FIRST_MONTH_ON_TIME,
    M.ON_CADENCE,
    M.OVERDUE,
    M.WITH_PLAN,
)


def headlines(report: Report) -> list[Figure]:
    """The handful of figures for a Home section: people, active lines, first-month conversations on time, on
    cadence, overdue now, people with a plan (each already suppressed as the report is)."""
    return [report.figure(key) for key in HEADLINE_KEYS]


# --- building it ----------------------------------------------------------------------------------------------


class ScopeError(ValueError):
    """The scope asked for does not exist (no such manager in the tallies)."""


@dataclass(frozen=True)
class _Row:
    key: str
    label: str
    of: str | None = None  # the denominator's measure


def _rows(months: Sequence[str]) -> list[tuple[str, str, list[_Row]]]:
    return [
        (
            "people",
            "People and reporting lines",
            [_Row(M.PEOPLE, "People"), _Row(M.LINES_ACTIVE, "Active reporting lines")],
        ),
        (
            "first_month",
            "First-month conversations",
            [
                _Row(M.LINES_NEW, "New reporting lines started in the period"),
                _Row(
                    M.FIRST_MONTH_ON_TIME,
                    f"First conversation within {FIRST_CONVERSATION_DAYS} days (lines whose first month is over)",
                    M.FIRST_MONTH_DUE,
                ),
            ],
        ),
        (
            "conversations",
            "Conversations in the period",
            [_Row(M.HELD, "Conversations held"), _Row(M.SKIPPED, "Cycles skipped")],
        ),
        ("months", "Conversations held per month", [_Row(held_in(month), month) for month in months]),
        (
            "cadence",
            "Cadence today",
            [
                _Row(
                    M.ON_CADENCE, f"Lines on cadence (at most {ON_CADENCE_GRACE_DAYS} days past due)", M.CADENCE_LINES
                ),
                _Row(M.OVERDUE, "Lines overdue now", M.CADENCE_LINES),
                _Row("cadence.median_days_late", "Median days late (of the lines overdue)"),
            ],
        ),
        (
            "experiments",
            "Experiments",
            [
                _Row(M.EXPERIMENTS_AGREED, "Experiments agreed in the period"),
                _Row(M.EXPERIMENTS_ENDED, "Experiments ended in the period"),
                _Row(outcome_measure(Outcome.KEEP_GOING), "… outcome: keep going", M.EXPERIMENTS_ENDED),
                _Row(outcome_measure(Outcome.STOP), "… outcome: stop", M.EXPERIMENTS_ENDED),
                _Row(outcome_measure(Outcome.CHANGED_GOAL), "… outcome: it changed the goal", M.EXPERIMENTS_ENDED),
                _Row(outcome_measure(None), "… no outcome given yet", M.EXPERIMENTS_ENDED),
            ],
        ),
        (
            "plans",
            "Career plans",
            [
                _Row(M.WITH_PLAN, "People with a plan", M.PEOPLE),
                _Row(M.REVISED, "People who saved or revised their plan in the period", M.PEOPLE),
                _Row(M.SHARING, "People sharing their plan (with their manager or someone they chose)", M.PEOPLE),
            ],
        ),
    ]


# Families of parts adding up to a total, within one scope: (total measure, part measures).
def _families(months: Sequence[str]) -> list[tuple[str, list[str]]]:
    return [
        (M.HELD, [held_in(month) for month in months]),
        (M.EXPERIMENTS_ENDED, [outcome_measure(outcome) for outcome in OUTCOME_ORDER]),
    ]


class _Sums:
    """Counts by measure as a list over one shared index of measures: organisations are summed bottom-up by
    adding lists, which at 10,000 teams is much cheaper than adding dicts."""

    __slots__ = ("index", "values")

    def __init__(self, index: Mapping[str, int], values: list[int]) -> None:
        self.index = index
        self.values = values

    def get(self, measure: str, default: int = 0) -> int:
        position = self.index.get(measure)
        return default if position is None else self.values[position]

    def plus(self, other: _Sums) -> _Sums:
        return _Sums(self.index, [a + b for a, b in zip(self.values, other.values, strict=True)])


@dataclass
class _Tree:
    tallies: dict[int, TeamTally]
    own: dict[int, _Sums]  # a manager's own team
    children: dict[int, list[int]]
    subtree: dict[int, _Sums]  # a manager's organisation: their team and all below
    workspace: _Sums
    _chains: dict[int, list[int]] = field(default_factory=dict)

    def ancestors(self, manager: int) -> list[int]:
        """The manager's managers, nearest first (a cycle, which the product prevents, stops the walk)."""
        if manager in self._chains:
            return self._chains[manager]
        chain: list[int] = []
        seen = {manager}
        parent = self.tallies[manager].parent
        while parent is not None and parent in self.tallies and parent not in seen:
            if parent in self._chains and not seen.intersection(self._chains[parent]):
                chain += [parent, *self._chains[parent]]
                break
            chain.append(parent)
            seen.add(parent)
            parent = self.tallies[parent].parent
        self._chains[manager] = chain
        return chain

    def members(self, root: int) -> list[int]:
        """The managers of `root`'s organisation: root and every manager below them."""
        found, stack, seen = [], [root], {root}
        while stack:
            node = stack.pop()
            found.append(node)
            for child in self.children.get(node, ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return found


def _tree(tallies: Iterable[TeamTally]) -> _Tree:
    listed = list(tallies)
    index = {measure: n for n, measure in enumerate(sorted({key for tally in listed for key in tally.counts}))}
    width = len(index)

    def sums(counts: Mapping[str, int]) -> _Sums:
        values = [0] * width
        for key, value in counts.items():
            values[index[key]] += value
        return _Sums(index, values)

    workspace = _Sums(index, [0] * width)
    teams: dict[int, TeamTally] = {}
    own: dict[int, _Sums] = {}
    for tally in listed:
        counted = sums(tally.counts)
        workspace = workspace.plus(counted)
        if tally.manager is not None:
            teams[tally.manager], own[tally.manager] = tally, counted
    children: dict[int, list[int]] = {}
    for manager, tally in teams.items():
        if tally.parent is not None and tally.parent in teams and tally.parent != manager:
            children.setdefault(tally.parent, []).append(manager)
    tree = _Tree(teams, own, children, {}, workspace)
    # Post-order sums, iteratively (chains can be deep); a node already summed (or on a cycle) is not redone.
    for top in teams:
        if top in tree.subtree:
            continue
        stack: list[tuple[int, bool]] = [(top, False)]
        on_path: set[int] = set()
        while stack:
            node, done = stack.pop()
            if done:
                total = own[node]
                for child in children.get(node, ()):
                    if child in tree.subtree and child != node:
                        total = total.plus(tree.subtree[child])
                tree.subtree[node] = total
                on_path.discard(node)
                continue
            if node in tree.subtree or node in on_path:
                continue
            on_path.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in children.get(node, ()) if child not in tree.subtree)
    return tree


def _small(value: int, min_group: int) -> bool:
    return 0 < value < min_group


class _Guard:
    """Decides whether a measure of a scope may be printed, given the enclosing scopes' counts."""

    def __init__(self, min_group: int, scope: _Sums, enclosing: Sequence[_Sums]) -> None:
        self.min_group = min_group
        self.scope = scope
        self.enclosing = enclosing

    def verdict(self, measure: str, of: str | None) -> Hidden | None:
        """SMALL when the measure's own group (or its denominator) is small; PROTECTS when printing it would let
        a reader work out another small group (its complement, or the difference with an enclosing scope)."""
        value = self.scope.get(measure, 0)
        if _small(value, self.min_group):
            return Hidden.SMALL
        if of is not None and _small(self.scope.get(of, 0), self.min_group):
            return Hidden.SMALL
        measures = [measure] + ([of] if of is not None else [])
        if of is not None and _small(self.scope.get(of, 0) - value, self.min_group):
            return Hidden.PROTECTS
        for outer in self.enclosing:
            for name in measures:
                if _small(outer.get(name, 0) - self.scope.get(name, 0), self.min_group):
                    return Hidden.PROTECTS
            if of is not None:
                complement = self.scope.get(of, 0) - value
                if _small((outer.get(of, 0) - outer.get(measure, 0)) - complement, self.min_group):
                    return Hidden.PROTECTS
        return None


def _figure(guard: _Guard, row: _Row) -> Figure:
    hidden = guard.verdict(row.key, row.of)
    if hidden is not None:
        return Figure(row.key, row.label, hidden=hidden)
    of = guard.scope.get(row.of, 0) if row.of is not None else None
    return Figure(row.key, row.label, count=guard.scope.get(row.key, 0), of=of)


def _protect_families(figures: dict[str, Figure], counts: _Sums, months: Sequence[str], k: int) -> None:
    """Complementary suppression: in each family of parts, while the hidden parts add up to a small group (so the
    total minus the shown parts would reveal it), hide the smallest shown part that is not zero too."""
    for total, parts in _families(months):
        if total not in figures or figures[total].hidden is not None:
            continue
        while True:
            hidden_sum = sum(counts.get(part, 0) for part in parts if figures[part].hidden is not None)
            if not _small(hidden_sum, k):
                break
            shown = [part for part in parts if figures[part].hidden is None and counts.get(part, 0) > 0]
            if not shown:
                figures[total] = Figure(total, figures[total].label, hidden=Hidden.PROTECTS)
                break
            smallest = min(shown, key=lambda part: counts.get(part, 0))
            figures[smallest] = Figure(smallest, figures[smallest].label, hidden=Hidden.PROTECTS)


def _median_days(late: Counter[int]) -> float | None:
    """The median of grouped day counts, without expanding them."""
    total = sum(late.values())
    if total == 0:
        return None
    ordered = sorted(late.items())

    def nth(index: int) -> int:
        seen = 0
        for days, count in ordered:
            seen += count
            if index < seen:
                return days
        return ordered[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return statistics.fmean((nth(total // 2 - 1), nth(total // 2)))


def build_report(
    team_id: str,
    tallies: Iterable[TeamTally],
    *,
    since: date,
    until: date,
    generated_at: datetime,
    min_group: int = DEFAULT_MIN_GROUP,
    under: int | None = None,
    max_teams: int = DEFAULT_MAX_TEAMS,
) -> Report:
    """The report of the workspace (`under` None) or of the organisation under the manager `under` (a person id
    of the tallies), from every team's tallies of the workspace (the enclosing scopes are needed to suppress)."""
    if min_group < MIN_MIN_GROUP:
        raise ValueError(f"min_group must be at least {MIN_MIN_GROUP}")
    tree = _tree(tallies)
    months = month_keys(since, until)
    if under is None:
        scope_name, counts, enclosing = WORKSPACE, tree.workspace, []
        members = list(tree.tallies)
    else:
        if under not in tree.tallies:
            raise ScopeError("no such manager")
        chain = tree.ancestors(under)
        scope_name = f"under {tree.tallies[under].label}"
        counts = tree.subtree[under]
        enclosing = [tree.workspace] + [tree.subtree[a] for a in chain]
        members = tree.members(under)
    late: Counter[int] = Counter()
    for manager in members:
        late.update(tree.tallies[manager].late_days)
    guard = _Guard(min_group, counts, enclosing)
    sections = []
    figures: dict[str, Figure] = {}
    layout = _rows(months)
    for _, _, rows in layout:
        for row in rows:
            if row.key != "cadence.median_days_late":
                figures[row.key] = _figure(guard, row)
    _protect_families(figures, counts, months, min_group)
    overdue = figures[M.OVERDUE]
    median = _median_days(late) if overdue.hidden is None and (overdue.count or 0) >= min_group else None
    for key, title, rows in layout:
        built = []
        for row in rows:
            if row.key == "cadence.median_days_late":
                # A statistic of the overdue lines: shown with their count only. Hidden, it reads "suppressed":
                # "fewer than 5" next to a number of days would read as fewer than 5 days late.
                hidden = Hidden.PROTECTS if overdue.hidden is not None else None
                built.append(Figure(row.key, row.label, days=median, hidden=hidden))
            else:
                built.append(figures[row.key])
        sections.append(Section(key, title, tuple(built)))
    teams, small, not_listed = _team_rows(tree, members, min_group, max_teams)
    return Report(
        team_id=team_id,
        scope=scope_name,
        since=since,
        until=until,
        generated_at=generated_at,
        min_group=min_group,
        sections=tuple(sections),
        teams=tuple(teams),
        teams_small=small,
        teams_not_listed=not_listed,
    )


def _team_rows(tree: _Tree, members: Sequence[int], k: int, max_teams: int) -> tuple[list[TeamRow], int, int]:
    """The per-team rows of the scope: each team with at least k people (active lines), checked against its
    manager's organisation and every organisation enclosing it; least on cadence first, then the teams whose
    share is hidden. Only as many teams are checked as it takes to fill `max_teams` rows."""
    big: list[tuple[float, str, int]] = []
    small = 0
    for manager in members:
        team = tree.own[manager]
        size = team.get(M.LINES_ACTIVE)
        if size == 0:
            continue
        if size < k:
            small += 1
            continue
        lines = team.get(M.CADENCE_LINES)
        big.append((team.get(M.ON_CADENCE) / lines if lines else 2.0, tree.tallies[manager].label, manager))
    big.sort()
    shown: list[TeamRow] = []
    hidden_rate: list[tuple[str, int]] = []
    for _, label, manager in big:
        if len(shown) >= max_teams:
            break
        team = tree.own[manager]
        on, of = team.get(M.ON_CADENCE), team.get(M.CADENCE_LINES)
        if _small(on, k) or _small(of, k) or _small(of - on, k):  # hidden whatever else: no need to check more
            hidden_rate.append((label, manager))
            continue
        row = _team_row(tree, manager, label, k)
        if row.on_cadence.share is not None:
            shown.append(row)
        else:
            hidden_rate.append((label, manager))
    # The teams whose share is hidden follow by their manager's id: an order by their hidden share would tell it.
    fill = sorted(hidden_rate)[: max(max_teams - len(shown), 0)]
    rows = shown + [_team_row(tree, manager, label, k) for label, manager in fill]
    return rows, small, len(big) - len(rows)


def _team_row(tree: _Tree, manager: int, label: str, k: int) -> TeamRow:
    outer = [tree.workspace, tree.subtree[manager]] + [tree.subtree[a] for a in tree.ancestors(manager)]
    guard = _Guard(k, tree.own[manager], outer)
    return TeamRow(
        label,
        _figure(guard, _Row(M.LINES_ACTIVE, "Active lines")),
        _figure(guard, _Row(M.ON_CADENCE, "On cadence", M.CADENCE_LINES)),
        _figure(guard, _Row(M.OVERDUE, "Overdue now", M.CADENCE_LINES)),
    )
