"""Fault drill: random text and tampered values through every listener (hypothesis).

Whatever arrives, Slack gets its HTTP 200 within the request, and no listener fails with an unhandled
exception: every input is either acted on or answered with a clear, private message.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.career.cadence import Outcome
from bot.slack import ids
from storage.db import Database
from tests.clock import Clock
from tests.slackbot import Running, running_bot
from tests.slackhttp import block_action, view_submission

# Slack's own control characters, mentions and broadcasts, long runs, and any unicode at all.
NASTY = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="<>&@!*_~`|#:/ \n", max_size=300),
    st.sampled_from(["<!channel>", "<@U0EMPLOYEE|me>", "1 OR 1=1", str(2**70), "²", "", " ", "\u0000", "9" * 40]),
)
ACTIONS = [
    ids.ACTION_LINE_CONFIRM,
    ids.ACTION_LINE_DECLINE,
    ids.ACTION_SHARE,
    ids.ACTION_STOP_SHARING,
    ids.ACTION_VIEW_PLAN,
    ids.ACTION_LOG,
    ids.ACTION_SNOOZE,
    ids.ACTION_SKIP,
    *(ids.ACTION_OUTCOME_PREFIX + outcome for outcome in Outcome),
    ids.ACTION_EDIT_PLAN,
    ids.ACTION_REFLECT,
    ids.ACTION_CLOSE_GAP,
    ids.ACTION_REOPEN_GAP,
    ids.ACTION_ASK,
    ids.ACTION_SUGGEST,
    ids.ACTION_NOT_NOW,
    ids.ACTION_WITHDRAW_ASK,
    ids.ACTION_ADD_SUGGESTED_GAP,
    ids.ACTION_FEEDBACK,
    ids.ACTION_SHARE_WITH,
    ids.ACTION_STOP_SHARING_WITH,
]
VIEWS = [
    ids.VIEW_GOAL,
    ids.VIEW_STEPS,
    ids.VIEW_GAPS,
    ids.VIEW_REFLECT,
    ids.VIEW_DELETE,
    ids.VIEW_LOG,
    ids.VIEW_SKIP,
    ids.VIEW_CLOSE_GAP,
    ids.VIEW_ASK,
    ids.VIEW_SUGGEST,
    ids.VIEW_FEEDBACK,
    ids.VIEW_SHARE_WITH,
]
# Inputs typed into (users_selects are left out: a person is chosen, or none).
FILLED_BLOCKS = [
    ids.BLOCK_GOAL_TEXT,
    ids.BLOCK_HELD_ON,
    ids.BLOCK_NOTES,
    ids.BLOCK_SKIP_REASON,
    "gap_0",
    ids.BLOCK_CLOSED_NOTE,
    ids.BLOCK_ASK_NOTE,
    ids.BLOCK_SUGGESTED_GAP.format(0),
    ids.BLOCK_ENCOURAGEMENT,
    ids.BLOCK_FEEDBACK,
]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def running(db: Database, clock: Clock) -> Iterator[Running]:
    with running_bot(db, clock) as running:
        yield running


def test_any_slash_command_text_is_answered(running: Running) -> None:
    @FUZZ
    @given(text=NASTY)
    def send(text: str) -> None:
        assert running.send.slash_command(text).status == 200

    send()
    assert running.settle() == []


def test_any_button_value_is_answered(running: Running) -> None:
    @FUZZ
    @given(action_id=st.sampled_from(ACTIONS), value=NASTY, container=st.sampled_from(["message", "home"]))
    def click(action_id: str, value: str, container: str) -> None:
        payload = block_action({"action_id": action_id, "value": value}, container=container)
        assert running.send.interactive(payload).status == 200

    click()
    assert running.settle() == []


def test_any_submission_of_any_view_is_answered(running: Running) -> None:
    @FUZZ
    @given(
        callback_id=st.sampled_from(VIEWS),
        metadata=NASTY,
        values=st.dictionaries(
            st.sampled_from(FILLED_BLOCKS),
            st.one_of(
                st.just({}),
                st.fixed_dictionaries({ids.ELEMENT: st.fixed_dictionaries({"value": st.one_of(st.none(), NASTY)})}),
                st.fixed_dictionaries({ids.ELEMENT: st.fixed_dictionaries({"selected_date": NASTY})}),
            ),
            max_size=4,
        ),
    )
    def submit(callback_id: str, metadata: str, values: dict[str, dict[str, dict[str, object]]]) -> None:
        view = {"type": "modal", "callback_id": callback_id, "private_metadata": metadata, "blocks": []}
        payload = view_submission(view, values)
        assert running.send.interactive(payload).status == 200

    submit()
    assert running.settle() == []


@pytest.mark.parametrize("callback_id", [["careerplan.goal"], {"a": 1}, 7, None])
def test_a_wizard_click_from_a_view_of_the_wrong_shape_is_answered(running: Running, callback_id: object) -> None:
    """The click's modal is the sender's own (its metadata names them), but its callback_id is not a string."""
    view = {"type": "modal", "callback_id": callback_id, "private_metadata": "U0EMPLOYEE", "id": "V1", "blocks": []}
    payload = block_action({"action_id": ids.ACTION_BACK}, view=view, user_id="U0EMPLOYEE")
    payload["view"]["callback_id"] = callback_id  # as sent, whatever the payload builder would fill in
    assert running.send.interactive(payload).status == 200
    assert running.settle() == []
