"""why an objective ended (achieved, refined, dropped) and why the therapist kept working on it at
its latest review, each in the therapist's words and optional

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = ("ended_why", "kept_why")


def upgrade() -> None:
    with op.batch_alter_table("objective") as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("objective") as batch_op:
        for name in COLUMNS:
            batch_op.drop_column(name)
