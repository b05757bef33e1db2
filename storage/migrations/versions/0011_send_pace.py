"""Reminders sent at Slack's pace by every sweeper together, and zone lookups shared (issue 17 item 2).

Revision ID: 0011
Revises: 0010

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "send_pace",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("booked_to", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_send_pace")),
    )
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("tz_asked_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("people") as batch:
        batch.drop_column("tz_asked_until")
    op.drop_table("send_pace")
