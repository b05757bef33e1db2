"""One gap at a time: closed gaps (the day, and a word on how), and since when the focus gap is the focus.

Revision ID: 0006
Revises: 0005

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("plan_gaps") as batch:
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
    with op.batch_alter_table("plan_versions") as batch:
        batch.add_column(sa.Column("focus_since", sa.Date(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("plan_versions") as batch:
        batch.drop_column("focus_since")
    with op.batch_alter_table("plan_gaps") as batch:
        batch.drop_column("note")
        batch.drop_column("closed_on")
