"""Who may read a person's plan (owner, manager while shared, someone named: the plan only), and who may be
named."""

from __future__ import annotations

from datetime import date

import pytest

from bot.career.lines import Line, LineStatus, RequestedBy
from bot.career.sharing import MAX_VIEWERS, Reader, reader_of, why_not_share


def line(status: LineStatus = LineStatus.ACTIVE, *, shared: bool = True) -> Line:
    return Line(
        id=1,
        team_id="T1",
        report="UEMP",
        manager="UBOSS",
        status=status,
        requested_by=RequestedBy.REPORT,
        started_on=date(2026, 11, 1),
        cadence_months=3,
        shared=shared,
    )


@pytest.mark.parametrize(
    ("reader", "current", "viewers", "reads"),
    [
        ("UEMP", None, [], Reader.OWNER),
        ("UEMP", line(shared=False), ["UMENTOR"], Reader.OWNER),
        ("UBOSS", line(shared=True), [], Reader.MANAGER),  # plan and latest reflection
        ("UBOSS", line(shared=False), [], None),
        ("UBOSS", line(LineStatus.ENDED, shared=True), [], None),  # a former manager
        ("UBOSS", line(LineStatus.PENDING, shared=False), [], None),
        ("UBOSS", line(shared=True), ["UBOSS"], Reader.MANAGER),  # named too: the manager's rule comes first
        ("UBOSS", line(shared=False), ["UBOSS"], Reader.VIEWER),  # named before becoming the manager
        ("UMENTOR", None, ["UMENTOR"], Reader.VIEWER),  # the current plan only
        ("UMENTOR", line(shared=True), ["UMENTOR", "UCOACH"], Reader.VIEWER),
        ("UMENTOR", line(shared=True), [], None),  # a revoked share: no longer among the viewers
        ("USTRANGER", line(shared=True), ["UMENTOR"], None),
        ("USTRANGER", None, [], None),
    ],
)
def test_one_rule_says_who_reads_what(reader: str, current: Line | None, viewers: list[str], reads: Reader) -> None:
    assert reader_of(reader, "UEMP", current, viewers) is reads


def test_only_a_viewer_misses_the_reflection() -> None:
    assert [r for r in Reader if not r.sees_reflection] == [Reader.VIEWER]


@pytest.mark.parametrize(
    ("viewer", "current", "viewers", "refusal"),
    [
        ("UEMP", None, [], "You can always see your own plan"),
        ("UBOSS", line(shared=False), [], "use *Share with my manager*"),
        ("UBOSS", line(shared=True), [], "use *Share with my manager*"),
        ("UMENTOR", None, ["UMENTOR"], "already shared with <@UMENTOR>"),
        ("UMENTOR", None, [f"UV{n}" for n in range(MAX_VIEWERS)], f"already share your plan with {MAX_VIEWERS}"),
        ("UMENTOR", None, [], None),
        ("UMENTOR", None, [f"UV{n}" for n in range(MAX_VIEWERS - 1)], None),  # the tenth is fine
        ("UBOSS", line(LineStatus.ENDED), [], None),  # a former manager is anyone else now
        ("UBOSS", line(LineStatus.PENDING), [], None),
    ],
)
def test_who_can_be_named(viewer: str, current: Line | None, viewers: list[str], refusal: str | None) -> None:
    said = why_not_share("UEMP", viewer, current, viewers)
    if refusal is None:
        assert said is None
    else:
        assert said is not None and refusal in said
