"""The sweep's world: the test's database, a fake Slack of its own and the injected clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage.db import Database
from tests.clock import Clock
from tests.fakeslack import FakeSlack
from tests.sweepworld import World, make_world


@pytest.fixture
def world(db: Database, clock: Clock) -> Iterator[World]:
    with FakeSlack() as slack:
        yield make_world(db, slack, clock)
