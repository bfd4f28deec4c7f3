"""recording reviews: each session recording of a therapist's that their coach listened to or
watched, and on each objective how many the coach had reviewed in the weeks before it was set

Objectives set before this are left without a count (NULL): nothing was recorded then, so the
digest does not call them set with none reviewed.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

import bot.storage

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recording_review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("practice_group.id"), nullable=False),
        sa.Column("therapist_id", sa.String(), nullable=False),
        sa.Column("coach_id", sa.String(), nullable=False),
        sa.Column("client_code", sa.String(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewed_at", bot.storage.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_recording_review_group_id", "recording_review", ["group_id"])
    op.create_index("recordings_of_therapist", "recording_review", ["group_id", "therapist_id", "reviewed_at"])
    with op.batch_alter_table("objective") as batch_op:
        batch_op.add_column(sa.Column("recordings_reviewed", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("objective") as batch_op:
        batch_op.drop_column("recordings_reviewed")
    op.drop_index("recordings_of_therapist", table_name="recording_review")
    op.drop_index("ix_recording_review_group_id", table_name="recording_review")
    op.drop_table("recording_review")
