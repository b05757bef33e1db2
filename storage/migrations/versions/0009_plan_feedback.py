"""Feedback on a shared plan, kept with the plan version its author read.

Revision ID: 0009
Revises: 0005

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "plan_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dm_channel", sa.String(length=32), nullable=True),
        sa.Column("dm_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            name=op.f("fk_plan_feedback_plan_version_id_plan_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["people.id"], name=op.f("fk_plan_feedback_author_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_feedback")),
    )
    op.create_index("ix_plan_feedback_plan_version_sent_at", "plan_feedback", ["plan_version_id", "sent_at"])
    op.create_index("ix_plan_feedback_author_id", "plan_feedback", ["author_id"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_plan_feedback_author_id", table_name="plan_feedback")
    op.drop_index("ix_plan_feedback_plan_version_sent_at", table_name="plan_feedback")
    op.drop_table("plan_feedback")
