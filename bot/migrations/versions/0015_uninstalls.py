"""where each group's app is installed (Teams: the team), and when the app was removed from there

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

import bot.storage

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("practice_group") as batch_op:
        batch_op.add_column(sa.Column("installation_id", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("removed_at", bot.storage.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("practice_group") as batch_op:
        batch_op.drop_column("removed_at")
        batch_op.drop_column("installation_id")
