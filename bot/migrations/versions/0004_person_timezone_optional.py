"""a person's time zone may be unknown (Teams tells it only with their own activities); their display name

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.alter_column("timezone", existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        batch_op.add_column(sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("UPDATE person SET timezone = 'UTC' WHERE timezone IS NULL"))
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("display_name")
        batch_op.alter_column("timezone", existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=False)
