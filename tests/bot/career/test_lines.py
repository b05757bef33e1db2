"""Who may see an employee's answers, who must confirm a request, and management cycles."""

from __future__ import annotations

from datetime import date

import pytest

from bot.career.lines import Line, LineStatus, RequestedBy, check_cadence, makes_cycle, may_see_answers


def line(
    status: LineStatus = LineStatus.ACTIVE, *, shared: bool = True, requested_by: RequestedBy = RequestedBy.REPORT
) -> Line:
    return Line(
        id=1,
        team_id="T1",
        report="UEMP",
        manager="UBOSS",
        status=status,
        requested_by=requested_by,
        started_on=date(2026, 11, 1),
        cadence_months=3,
        shared=shared,
    )


@pytest.mark.parametrize(
    ("viewer", "current", "sees"),
    [
        ("UEMP", None, True),  # the employee themself, with no manager
        ("UEMP", line(shared=False), True),
        ("UBOSS", line(shared=True), True),  # the active manager, plan shared
        ("UBOSS", line(shared=False), False),  # the active manager, plan not shared
        ("UBOSS", line(LineStatus.PENDING, shared=False), False),  # a manager who has not been confirmed
        ("UBOSS", line(LineStatus.ENDED, shared=True), False),  # a former manager, even if it was shared
        ("USTRANGER", line(shared=True), False),
        ("USTRANGER", None, False),
    ],
)
def test_only_the_employee_and_their_active_manager_while_shared_see_answers(
    viewer: str, current: Line | None, sees: bool
) -> None:
    assert may_see_answers(viewer, "UEMP", current) is sees


def test_a_line_of_someone_else_grants_nothing() -> None:
    assert not may_see_answers("UBOSS", "UOTHER", line(shared=True))


def test_the_party_that_did_not_ask_is_the_one_who_confirms() -> None:
    assert line(requested_by=RequestedBy.REPORT).invited == "UBOSS"
    assert line(requested_by=RequestedBy.MANAGER).invited == "UEMP"
    assert line(requested_by=RequestedBy.MANAGER).requester == "UBOSS"


def chain(**managers: str) -> dict[str, str]:
    return managers


@pytest.mark.parametrize(
    ("report", "manager", "managers", "cycle"),
    [
        ("A", "A", {}, True),  # managing oneself
        ("A", "B", {"B": "A"}, True),  # A→B→A
        ("A", "B", {"B": "C", "C": "D", "D": "A"}, True),  # a longer loop back to A
        ("A", "B", {"B": "C", "C": "D"}, False),  # a chain that ends
        ("A", "B", {"B": "C", "C": "B"}, False),  # a loop above that does not involve A terminates
        ("A", "B", {"A": "X"}, False),  # A's current manager does not matter
    ],
)
def test_cycles_are_found_however_long(report: str, manager: str, managers: dict[str, str], cycle: bool) -> None:
    assert makes_cycle(report, manager, managers.get) is cycle


@pytest.mark.parametrize("months", [3, 4, 6])
def test_cadence_of_three_to_six_months_is_accepted(months: int) -> None:
    check_cadence(months)


@pytest.mark.parametrize("months", [0, 2, 7, -3])
def test_cadence_outside_three_to_six_months_is_refused(months: int) -> None:
    with pytest.raises(ValueError, match="3 to 6 months"):
        check_cadence(months)
