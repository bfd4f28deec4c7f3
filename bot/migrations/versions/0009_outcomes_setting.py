"""a group's choice of who sees client-level outcome lines (the channel, the default, or only the
coach), and an index for each client's intake, which the digest reads for every client at once

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INTAKE_INDEX = ("intake_scores", "score", ["group_id", "user_id", "client_code", "kind", "intake", "recorded_at", "id"])


def upgrade() -> None:
    with op.batch_alter_table("practice_group") as batch_op:
        batch_op.add_column(sa.Column("outcomes_in_channel", sa.Boolean(), nullable=False, server_default=sa.true()))
    name, table, columns = INTAKE_INDEX
    op.create_index(name, table, columns)


def downgrade() -> None:
    name, table, _columns = INTAKE_INDEX
    op.drop_index(name, table_name=table)
    with op.batch_alter_table("practice_group") as batch_op:
        batch_op.drop_column("outcomes_in_channel")
