"""People who leave, join and go away, and workspaces that uninstall the app.

Revision ID: 0004
Revises: 0003

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(sa.Column("inactive_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("inactive_reason", sa.String(length=20), nullable=True))
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("welcomed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("away_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("work_days", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("work_hours", sa.String(length=11), nullable=True))
        batch.add_column(sa.Column("holidays", sa.String(length=20), nullable=True))
    with op.batch_alter_table("nudges") as batch:
        batch.add_column(sa.Column("held_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("nudges") as batch:
        batch.drop_column("held_since")
    with op.batch_alter_table("people") as batch:
        for column in ("holidays", "work_hours", "work_days", "away_until", "welcomed_at", "deactivated_at"):
            batch.drop_column(column)
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("inactive_reason")
        batch.drop_column("inactive_since")
