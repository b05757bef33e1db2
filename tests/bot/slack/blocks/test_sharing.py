"""Who can see your answers (with the manager, and with people you named), the Share with someone modal, the
viewer's DM and the read-only plan view: what each says, round trips, and Slack's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.career.home import HomeData
from bot.career.lines import Line, LineStatus, RequestedBy
from bot.career.plan import SavedPlan, close_focus
from bot.career.reflection import SavedReflection
from bot.career.sharing import MAX_VIEWERS, Reader, Share
from bot.slack import ids
from bot.slack.blocks.home import home_view
from bot.slack.blocks.lines import report_plan_view
from bot.slack.blocks.plans import saved_view
from bot.slack.blocks.sharing import chosen_viewer, share_with_view, shared_with_you_message, who_can_see
from tests.builders import a_plan, a_plan_with_closed_gaps, a_reflection
from tests.slackstate import assert_slack_accepts, state_from_initial

TODAY = date(2026, 11, 21)
SHARED_AT = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


def share(viewer: str, n: int = 1) -> Share:
    return Share(id=n, team_id="T1", owner="UEMP", viewer=viewer, shared_at=SHARED_AT)


def manager_line(*, shared: bool) -> Line:
    return Line(1, "T1", "UEMP", "UBOSS", LineStatus.ACTIVE, RequestedBy.REPORT, TODAY, 3, shared)


def buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    found = []
    for block in blocks:
        elements = block.get("elements", []) if block["type"] == "actions" else [block.get("accessory") or {}]
        found += [(e["action_id"], e.get("value")) for e in elements if e.get("type") == "button"]
    return found


def test_alone_it_says_only_you_and_offers_share_with_someone() -> None:
    blocks = who_can_see(None)
    assert "only you" in str(blocks)
    assert buttons(blocks) == [(ids.ACTION_SHARE_WITH, None)]


def test_each_viewer_is_listed_with_what_they_see_since_when_and_their_own_stop_button() -> None:
    blocks = who_can_see(manager_line(shared=True), [share("UMENTOR"), share("UCOACH", 2)])
    text = str(blocks)
    assert "you and <@UBOSS>, your manager" in text
    assert "<@UMENTOR>: your current plan, not your reflections, since 3 Nov 2026" in text
    assert buttons(blocks) == [
        (ids.ACTION_STOP_SHARING_WITH, "UMENTOR"),
        (ids.ACTION_STOP_SHARING_WITH, "UCOACH"),
        (ids.ACTION_STOP_SHARING, "1"),
        (ids.ACTION_SHARE_WITH, None),
    ]


def test_not_sharing_with_the_manager_but_with_a_mentor_says_so() -> None:
    text = str(who_can_see(manager_line(shared=False), [share("UMENTOR")]))
    assert "you, and the people below. <@UBOSS>, your manager, sees that your plan is not shared" in text


def test_at_the_cap_there_is_no_share_button_and_home_stays_within_slacks_limits() -> None:
    viewers = [share(f"UVIEWER{n}", n) for n in range(MAX_VIEWERS)]
    blocks = who_can_see(manager_line(shared=False), viewers)
    assert (ids.ACTION_SHARE_WITH, None) not in buttons(blocks)
    assert sum(1 for b in buttons(blocks) if b[0] == ids.ACTION_STOP_SHARING_WITH) == MAX_VIEWERS
    saved = SavedPlan(a_plan(), 1, SHARED_AT)
    view = home_view(HomeData(TODAY, saved, SavedReflection(a_reflection(), SHARED_AT), viewers=viewers))
    assert_slack_accepts(view)


def test_the_modal_round_trips_the_person_chosen() -> None:
    view = share_with_view()
    assert_slack_accepts(view)
    assert view["callback_id"] == ids.VIEW_SHARE_WITH
    assert chosen_viewer(state_from_initial(view, {ids.BLOCK_SHARE_WITH: {"selected_user": "UMENTOR"}})) == "UMENTOR"
    assert chosen_viewer(state_from_initial(view)) is None
    assert chosen_viewer({}) is None
    assert chosen_viewer({ids.BLOCK_SHARE_WITH: {ids.ELEMENT: {"selected_user": 7}}}) is None


def test_the_viewers_dm_names_the_owner_and_carries_only_their_id() -> None:
    text, blocks = shared_with_you_message(share("UMENTOR"))
    assert text == "<@UEMP> shared their career plan with you (read-only)."
    assert buttons(blocks) == [(ids.ACTION_VIEW_PLAN, "UEMP")]


def test_the_plan_view_shows_a_viewer_no_reflection_and_the_manager_theirs() -> None:
    saved = SavedPlan(a_plan("Own the deploy pipeline"), 1, SHARED_AT)
    reflection = SavedReflection(a_reflection("Pairing on gnarly bugs"), SHARED_AT)
    as_viewer = report_plan_view("UEMP", Reader.VIEWER, saved, reflection, TODAY)
    as_manager = report_plan_view("UEMP", Reader.MANAGER, saved, reflection, TODAY)
    for view in (as_viewer, as_manager):
        assert_slack_accepts(view)
        assert "Own the deploy pipeline" in str(view)
    assert "Pairing on gnarly bugs" not in str(as_viewer) and "not their reflections" in str(as_viewer)
    assert "Pairing on gnarly bugs" in str(as_manager)


def test_the_plan_view_speaks_of_the_owner_to_its_reader_never_as_if_to_the_owner() -> None:
    # Seen on the demo's page: Ben's View plan of Ana's plan said "Your last reflection", "Reflect again any
    # time with /careerplan reflect" and, with every gap closed, "The next one goes in with Edit plan".
    every_gap_closed = close_focus(a_plan_with_closed_gaps(), TODAY)
    saved = SavedPlan(every_gap_closed, 3, SHARED_AT)
    reflection = SavedReflection(a_reflection("Pairing on gnarly bugs"), SHARED_AT)
    for reader in (Reader.MANAGER, Reader.VIEWER):
        shown = str(report_plan_view("UEMP", reader, saved, reflection, TODAY)["blocks"])
        assert "No open gap" in shown and "Edit plan" not in shown
        assert "Your last reflection" not in shown and f"{ids.COMMAND} {ids.SUB_REFLECT}" not in shown
    as_manager = str(report_plan_view("UEMP", Reader.MANAGER, saved, reflection, TODAY)["blocks"])
    assert "*Their last reflection*" in as_manager and "Pairing on gnarly bugs" in as_manager
    own_home = str(home_view(HomeData(TODAY, saved=saved, reflection=reflection))["blocks"])
    assert "The next one goes in with Edit plan" in own_home and "*Your last reflection*" in own_home
    assert f"`{ids.COMMAND} {ids.SUB_REFLECT}`" in own_home


def test_the_plan_forms_last_page_lists_the_viewers_and_leaves_their_controls_to_home() -> None:
    saved = SavedPlan(a_plan(), 1, SHARED_AT)
    view = saved_view(saved, manager_line(shared=False), TODAY, [share("UMENTOR")])
    assert_slack_accepts(view)
    assert "<@UMENTOR>: your current plan, not your reflections" in str(view)
    assert buttons(view["blocks"]) == [(ids.ACTION_SHARE, "1")]  # Share with my manager only
    assert "on your Home tab" in str(view)
