"""Conversations (held or skipped), experiments, the nudges owed, and each line's conversation schedule.

Revision ID: 0003
Revises: 0002

"""

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("notes_shared", sa.Boolean(), nullable=False),
        sa.Column("skip_reason", sa.Text(), nullable=False),
        sa.Column("next_in_months", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["reporting_lines.id"],
            name=op.f("fk_conversations_line_id_reporting_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index("ix_conversations_line_held_on", ["line_id", "held_on"], unique=False)

    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=100), nullable=True),
        sa.Column("snoozes", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["line_id"], ["reporting_lines.id"], name=op.f("fk_nudges_line_id_reporting_lines"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["people.id"], name=op.f("fk_nudges_recipient_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nudges")),
        sa.UniqueConstraint(
            "line_id", "kind", "due_on", "audience", name=op.f("uq_nudges_line_id_kind_due_on_audience")
        ),
    )
    with op.batch_alter_table("nudges", schema=None) as batch_op:
        batch_op.create_index("ix_nudges_status_not_before", ["status", "not_before"], unique=False)

    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("manager_outcome", sa.String(length=20), nullable=True),
        sa.Column("manager_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report_outcome", sa.String(length=20), nullable=True),
        sa.Column("report_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_experiments_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["reporting_lines.id"], name=op.f("fk_experiments_line_id_reporting_lines"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiments")),
    )
    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.create_index("ix_experiments_line_ends_on", ["line_id", "ends_on"], unique=False)
        batch_op.create_index(
            "ix_experiments_unasked_ends_on",
            ["ends_on"],
            unique=False,
            sqlite_where=sa.text("asked_at IS NULL"),
            postgresql_where=sa.text("asked_at IS NULL"),
        )

    with op.batch_alter_table("reporting_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("next_nudge_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_held_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("last_skipped_on", sa.Date(), nullable=True))
        batch_op.create_index("ix_reporting_lines_status_next_nudge_on", ["status", "next_nudge_on"], unique=False)

    # Lines active before this release start their schedule as new lines do: the first conversation is due
    # 30 days after the start (bot.career.cadence.first_due), and the first nudge is looked for from the start.
    lines = sa.table(
        "reporting_lines",
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("started_on", sa.Date),
        sa.column("next_due_on", sa.Date),
        sa.column("next_nudge_on", sa.Date),
    )
    connection = op.get_bind()
    active = connection.execute(
        sa.select(lines.c.id, lines.c.started_on).where(lines.c.status == "active", lines.c.started_on.is_not(None))
    ).all()
    for line_id, started_on in active:
        connection.execute(
            sa.update(lines)
            .where(lines.c.id == line_id)
            .values(next_due_on=started_on + timedelta(days=30), next_nudge_on=started_on)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("reporting_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_reporting_lines_status_next_nudge_on")
        batch_op.drop_column("last_skipped_on")
        batch_op.drop_column("last_held_on")
        batch_op.drop_column("next_nudge_on")
        batch_op.drop_column("next_due_on")

    with op.batch_alter_table("experiments", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_experiments_unasked_ends_on",
            sqlite_where=sa.text("asked_at IS NULL"),
            postgresql_where=sa.text("asked_at IS NULL"),
        )
        batch_op.drop_index("ix_experiments_line_ends_on")

    op.drop_table("experiments")
    with op.batch_alter_table("nudges", schema=None) as batch_op:
        batch_op.drop_index("ix_nudges_status_not_before")

    op.drop_table("nudges")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_line_held_on")

    op.drop_table("conversations")
