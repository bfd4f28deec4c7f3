"""a group records until when its weekly occurrences are planned, so the plan pass skips the rest

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import bot.storage

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty: every group is planned once more by the first pass after the upgrade.
    with op.batch_alter_table("practice_group", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_until", bot.storage.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("practice_group", schema=None) as batch_op:
        batch_op.drop_column("planned_until")
