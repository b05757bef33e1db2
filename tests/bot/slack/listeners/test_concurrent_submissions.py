"""Fault drill: many people saving their plans at the same moment on SQLite's single writer.

Nobody may see `database is locked` (or any error): every submission is answered, every plan is saved once.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from bot.slack import ids
from storage.models import PlanVersion
from tests.slackbot import Bot, Modal, text

PEOPLE = 50


def test_fifty_plans_saved_at_the_same_moment_are_all_kept(bot: Bot) -> None:
    modals: list[Modal] = []
    for n in range(PEOPLE):
        modal = bot.open_wizard(user_id=f"U0PERSON{n:02d}")
        modal.submit(
            {
                ids.BLOCK_GOAL_KIND: {"selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": "own"}},
                ids.BLOCK_GOAL_TEXT: text(f"Goal of person {n}"),
                ids.BLOCK_GOAL_WORDS: text("June 2029"),
            }
        )
        modal.submit({"step_title_0": text("Senior engineer"), "step_words_0": text("Q3 2027")})
        assert modal.page == ids.VIEW_GAPS
        modals.append(modal)

    everyone_ready = threading.Barrier(PEOPLE)

    def save(modal: Modal) -> str:
        everyone_ready.wait()
        result = modal.submit({"gap_0": text("Leading design reviews")})
        return result.text

    with ThreadPoolExecutor(PEOPLE) as pool:
        answers = list(pool.map(save, modals))

    assert all("locked" not in answer.lower() and "error" not in answer.lower() for answer in answers)
    assert all("version 1" in str(modal.view["blocks"]) for modal in modals)
    with bot.db.session() as session:
        saved = session.scalar(select(func.count(func.distinct(PlanVersion.person_id))))
        total = session.scalar(select(func.count()).select_from(PlanVersion))
    assert saved == PEOPLE and total == PEOPLE
