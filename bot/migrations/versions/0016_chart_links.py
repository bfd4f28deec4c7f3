"""charts behind signed links (PUBLIC_URL): each PNG until it expires, and the key the links are
signed with (made at random when the first link is signed)

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chart_image",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", bot.storage.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("chart_image") as batch_op:
        batch_op.create_index(batch_op.f("ix_chart_image_expires_at"), ["expires_at"], unique=False)
    op.create_table(
        "signing_key",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("signing_key")
    with op.batch_alter_table("chart_image") as batch_op:
        batch_op.drop_index(batch_op.f("ix_chart_image_expires_at"))
    op.drop_table("chart_image")
