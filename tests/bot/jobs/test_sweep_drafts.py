"""The sweep purges abandoned wizard drafts (their words) once they are two days old, with nobody else saving;
and the keys of requests handled, once no replay can reuse them."""

from __future__ import annotations

from datetime import timedelta

from bot.career.plan import PlanForm
from bot.jobs.sweep import SweepReport
from storage import people
from storage import plans as plan_store
from storage import requests as request_store
from tests.builders import TEAM
from tests.sweepworld import World

ABANDONED = PlanForm(goal_text="Half-typed goal")
FRESH = PlanForm(goal_text="Being typed now")


def test_a_draft_abandoned_for_two_days_goes_at_the_next_sweep_and_a_younger_one_stays(world: World) -> None:
    start = world.clock()
    with world.db.session() as session:
        abandoned = people.ensure_person(session, TEAM, "U1", start)
        working = people.ensure_person(session, TEAM, "U2", start)
        plan_store.put_draft(session, abandoned, "V1", ABANDONED, start)
    with world.db.session() as session:
        # The last write of a draft before the sweeps below: nobody saves a draft after it.
        plan_store.put_draft(session, working, "V2", FRESH, start + plan_store.DRAFT_LIFETIME - timedelta(hours=1))

    world.at(start + plan_store.DRAFT_LIFETIME - timedelta(minutes=5))
    with world.db.session() as session:
        assert plan_store.get_draft(session, abandoned, "V1") == ABANDONED  # not two days old yet

    assert world.at(start + plan_store.DRAFT_LIFETIME + timedelta(minutes=1)) == SweepReport()
    with world.db.session() as session:
        assert plan_store.get_draft(session, abandoned, "V1") is None
        assert plan_store.get_draft(session, working, "V2") == FRESH


def test_the_keys_of_requests_handled_go_at_the_first_sweep_after_an_hour(world: World) -> None:
    start = world.clock()
    with world.db.session() as session:
        request_store.claim(session, TEAM, "a" * 64, start)
    world.at(start + request_store.REMEMBERED_FOR - timedelta(minutes=5))
    with world.db.session() as session:
        assert not request_store.claim(session, TEAM, "a" * 64, world.clock())  # still remembered

    world.at(start + request_store.REMEMBERED_FOR + timedelta(minutes=1))
    with world.db.session() as session:
        assert request_store.claim(session, TEAM, "a" * 64, world.clock())  # forgotten by the sweep
