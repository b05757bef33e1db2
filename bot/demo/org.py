"""The demo organisation: a few plainly fictional people, written once through the bot's own storage functions,
so that what the page shows is what the bot itself would have written.

Fay manages Ben; Ben manages Ana (who shares her plan, had a conversation and runs an experiment), Cai (a new hire
in their first month) and Dan (who has a plan but does not share it). Eve has nothing yet: start there to walk
the whole path (write a plan, name a manager, share it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from bot.career.cadence import ConversationKind, Cycle, ExperimentKind, due_after, first_nudge_on
from bot.career.lines import RequestedBy
from bot.career.plan import Goal, GoalKind, Plan, Step
from bot.career.reflection import Direction, Reflection, Why
from storage import conversations as conversation_store
from storage import lines as line_store
from storage import people
from storage import plans as plan_store
from storage import reflections as reflection_store
from storage.db import Database

CADENCE_MONTHS = 3
LEAD_DAYS = 3


@dataclass(frozen=True)
class DemoPerson:
    user_id: str
    name: str  # as the page and the stand-in's users.info show it
    role: str  # what the switcher says they are
    tz: str  # their Slack time zone


ANA = DemoPerson("U0DEMOANA", "Ana", "employee", "Europe/London")
BEN = DemoPerson("U0DEMOBEN", "Ben", "manager", "Europe/Berlin")
CAI = DemoPerson("U0DEMOCAI", "Cai", "new hire", "Europe/London")
DAN = DemoPerson("U0DEMODAN", "Dan", "plan not shared", "America/New_York")
FAY = DemoPerson("U0DEMOFAY", "Fay", "manager's manager", "Europe/Berlin")
EVE = DemoPerson("U0DEMOEVE", "Eve", "new here, no plan yet", "Europe/London")
PEOPLE = (ANA, BEN, CAI, DAN, FAY, EVE)
ADMIN = FAY  # in CAREERPLAN_ADMINS in the demo: her Home shows the Workspace counts (issue 16)


def users_info(person: DemoPerson) -> dict[str, object]:
    """What the stand-in's users.info says of `person` (merged into Slack's default shape)."""
    label = f"{person.name} ({person.role})"
    return {
        "name": person.name.lower(),
        "real_name": label,
        "tz": person.tz,
        "profile": {
            "real_name": label,
            "display_name": person.name,
            "email": f"{person.name.lower()}@example.com",
        },
    }


def is_seeded(db: Database, team_id: str) -> bool:
    with db.session() as session:
        return people.find_person_id(session, team_id, ANA.user_id) is not None


def seed(db: Database, team_id: str, now: datetime) -> None:
    """Write the demo organisation as of `now` (once: a database that has it already is left alone)."""
    if is_seeded(db, team_id):
        return
    today = now.date()
    with db.session() as session:
        ids = {p.user_id: people.ensure_person(session, team_id, p.user_id, now) for p in PEOPLE}
        for p in PEOPLE:
            people.set_tz(session, ids[p.user_id], p.tz, now)
        _line(session, ids[BEN.user_id], ids[FAY.user_id], today - relativedelta(years=2), now, shared=True)
        ana = _line(session, ids[ANA.user_id], ids[BEN.user_id], today - relativedelta(months=7), now, shared=True)
        _line(session, ids[CAI.user_id], ids[BEN.user_id], today - timedelta(days=3), now)
        dan = _line(session, ids[DAN.user_id], ids[BEN.user_id], today - relativedelta(months=5), now)
        plan_store.add_plan_version(session, ids[ANA.user_id], _ana_plan(today), now - timedelta(days=60))
        plan_store.add_plan_version(session, ids[DAN.user_id], _dan_plan(today), now - timedelta(days=30))
        reflection_store.add_reflection(session, ids[ANA.user_id], _ana_reflection(), now - timedelta(days=60))
        # Ana and Ben talked almost a cadence ago: the next one is due within the week, her shadowing ends soon.
        held = today - relativedelta(months=CADENCE_MONTHS) + timedelta(days=5)
        _held(
            session,
            ana,
            held,
            now,
            notes="Ana wants to try leading; we agreed she shadows the platform lead's planning.",
            experiments=(
                conversation_store.NewExperiment(
                    ExperimentKind.SHADOWING, "Shadow Fay's quarterly planning", today + timedelta(days=10)
                ),
            ),
        )
        _held(session, dan, today - relativedelta(months=2), now, notes="Dan is happy where he is for now.")


def _line(
    session: Session, report_id: int, manager_id: int, started_on: date, now: datetime, *, shared: bool = False
) -> int:
    line = line_store.add_line(
        session,
        report_id,
        manager_id,
        requested_by=RequestedBy.ADMIN,
        cadence_months=CADENCE_MONTHS,
        now=now,
        started_on=started_on,
    )
    if shared:
        line_store.set_shared(session, line.id, True, now)
    return line.id


def _held(
    session: Session,
    line_id: int,
    held_on: date,
    now: datetime,
    *,
    notes: str,
    experiments: tuple[conversation_store.NewExperiment, ...] = (),
) -> None:
    new = conversation_store.NewConversation(
        kind=ConversationKind.HELD,
        held_on=held_on,
        next_in_months=CADENCE_MONTHS,
        notes=notes,
        notes_shared=True,
        experiments=experiments,
    )
    due = due_after(held_on, CADENCE_MONTHS)
    cycle = Cycle(due_on=due, started_on=None, first_cycle=False, lead_days=LEAD_DAYS)
    schedule = conversation_store.Schedule(
        next_due_on=due, next_nudge_on=first_nudge_on(cycle), cadence_months=CADENCE_MONTHS
    )
    conversation_store.add_conversation(session, line_id, new, schedule, now)


def _ana_plan(today: date) -> Plan:
    return Plan(
        goal=Goal(
            kind=GoalKind.OWN,
            text="Lead a small platform team",
            target=today + relativedelta(years=2),
            target_text="in 2 years",
            is_own_want=True,
            fits_values=True,
            year_from_now="Running the team's planning with Ben",
        ),
        steps=(
            Step("Senior engineer", today + relativedelta(months=8), "in 8 months"),
            Step("Tech lead of the build tools", today + relativedelta(months=18), ""),
        ),
        gaps=("Leading design reviews", "Planning a quarter", "Mentoring a new hire"),
    )


def _dan_plan(today: date) -> Plan:
    return Plan(
        goal=Goal(kind=GoalKind.KEEP_IMPROVING, text="", target=None),
        steps=(Step("Get better at estimates", today + relativedelta(months=6), "in 6 months"),),
        gaps=("Writing things down",),
    )


def _ana_reflection() -> Reflection:
    return Reflection(
        energy="Untangling a hard build failure with someone",
        year_from_now="Leading the build tools work",
        why=(Why.CHALLENGES, Why.IMPACT),
        why_words="I like helping others get unstuck",
        direction=Direction.NEXT_STEP,
    )
