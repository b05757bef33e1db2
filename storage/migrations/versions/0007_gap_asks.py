"""Asking key people for the gaps before one's next step, and their suggestions.

Revision ID: 0007
Revises: 0005

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "gap_asks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("asked_id", sa.Integer(), nullable=False),
        sa.Column("step_title", sa.Text(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("encouragement", sa.Text(), nullable=False),
        sa.Column("message_channel", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["asker_id"], ["people.id"], name=op.f("fk_gap_asks_asker_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["asked_id"], ["people.id"], name=op.f("fk_gap_asks_asked_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gap_asks")),
    )
    op.create_index("ix_gap_asks_asker_status", "gap_asks", ["asker_id", "status"], unique=False)
    op.create_index("ix_gap_asks_asked_id", "gap_asks", ["asked_id"], unique=False)
    op.create_index(
        "uq_gap_asks_open_pair",
        "gap_asks",
        ["asker_id", "asked_id"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "gap_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ask_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ask_id"], ["gap_asks.id"], name=op.f("fk_gap_suggestions_ask_id_gap_asks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gap_suggestions")),
        sa.UniqueConstraint("ask_id", "position", name=op.f("uq_gap_suggestions_ask_id_position")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("gap_suggestions")
    op.drop_index("uq_gap_asks_open_pair", table_name="gap_asks")
    op.drop_index("ix_gap_asks_asked_id", table_name="gap_asks")
    op.drop_index("ix_gap_asks_asker_status", table_name="gap_asks")
    op.drop_table("gap_asks")
