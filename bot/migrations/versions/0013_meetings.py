"""the group's meeting (weekday, time, length), whether the coach chose the digest's day, and
whether the coach's preview names who gave feedback on the meeting; each member's request for
the next meeting and feedback on the last one

An existing group whose digest is not on the default (Fridays at 15:00) was set with `setup
digest`, so it is marked as chosen: a meeting time set later does not move it.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

import bot.storage

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# SQLite keeps a time as text with microseconds, PostgreSQL as a time: both read as text from HH:MM.
DIGEST_NOT_DEFAULT = "digest_weekday <> 4 OR substr(CAST(digest_time AS VARCHAR), 1, 5) <> '15:00'"


def upgrade() -> None:
    with op.batch_alter_table("practice_group") as batch_op:
        batch_op.add_column(sa.Column("digest_chosen", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("meeting_weekday", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("meeting_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("meeting_minutes", sa.Integer(), nullable=False, server_default="90"))
        batch_op.add_column(sa.Column("feedback_named", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(f"UPDATE practice_group SET digest_chosen = true WHERE {DIGEST_NOT_DEFAULT}")
    op.create_table(
        "meeting_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("practice_group.id"), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("case", "skill", "question", "nothing", name="requestkind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("client_code", sa.String(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("answered_at", bot.storage.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("group_id", "user_id", "meeting_on"),
    )
    op.create_index("ix_meeting_request_group_id", "meeting_request", ["group_id"])
    op.create_table(
        "meeting_feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("practice_group.id"), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("usefulness", sa.Integer(), nullable=False),
        sa.Column("suggestion", sa.Text(), nullable=True),
        sa.Column("advice_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", bot.storage.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("group_id", "user_id", "meeting_on"),
    )
    op.create_index("ix_meeting_feedback_group_id", "meeting_feedback", ["group_id"])
    op.create_index("feedback_in_period", "meeting_feedback", ["group_id", "answered_at"])


def downgrade() -> None:
    op.drop_table("meeting_feedback")
    op.drop_table("meeting_request")
    with op.batch_alter_table("practice_group") as batch_op:
        for column in ("feedback_named", "meeting_minutes", "meeting_time", "meeting_weekday", "digest_chosen"):
            batch_op.drop_column(column)
