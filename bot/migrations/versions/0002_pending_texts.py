"""pending texts for "save anyway"

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_text",
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("command_text", sa.Text(), nullable=False),
        sa.Column("created_at", bot.storage.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", bot.storage.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token"),
    )
    with op.batch_alter_table("pending_text", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_text_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pending_text", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_text_expires_at"))

    op.drop_table("pending_text")
