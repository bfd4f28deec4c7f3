"""each client's record (age band, closed), scores to one decimal place with an optional session
and intake mark, and the group's thresholds for bands, on-track checks and alliance drops

Scores and advice baselines are kept exactly as whole numbers of tenths (18.5 is 185), so the
old whole-number columns are copied times ten. A client record is made for every client code
that already has a score or advice, so no one's caseload loses a client.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

import bot.storage

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NEW_THRESHOLDS = {  # column: a new group's default, and every existing group's
    "child_cutoff": 32,
    "adolescent_cutoff": 28,
    "on_track_session": 6,
    "on_track_weeks": 6,
    "watch_session": 3,
    "srs_drop": 1,
}

EXISTING_CLIENTS = """
INSERT INTO client (group_id, therapist_id, code, band, created_at)
SELECT group_id, therapist_id, code, 'adult', MIN(at) FROM (
    SELECT group_id, user_id AS therapist_id, client_code AS code, recorded_at AS at FROM score
    UNION ALL
    SELECT group_id, therapist_id, client_code, created_at FROM advice WHERE client_code IS NOT NULL
) AS known
GROUP BY group_id, therapist_id, code
"""


def upgrade() -> None:
    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("practice_group.id"), nullable=False),
        sa.Column("therapist_id", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("band", sa.Enum("child", "adolescent", "adult", native_enum=False, length=24), nullable=False),
        sa.Column("created_at", bot.storage.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", bot.storage.UTCDateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("group_id", "therapist_id", "code"),
    )
    op.create_index("ix_client_group_id", "client", ["group_id"])
    op.execute(EXISTING_CLIENTS)
    _to_tenths("score", "value", "value_tenths", nullable=False)
    with op.batch_alter_table("score") as batch_op:
        batch_op.add_column(sa.Column("session", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("intake", sa.Boolean(), nullable=False, server_default=sa.false()))
    _to_tenths("advice", "baseline_ors", "baseline_ors_tenths", nullable=True)
    with op.batch_alter_table("practice_group") as batch_op:
        for column, default in NEW_THRESHOLDS.items():
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=False, server_default=str(default)))


def _to_tenths(table: str, whole: str, tenths: str, nullable: bool) -> None:
    with op.batch_alter_table(table) as batch_op:
        batch_op.add_column(sa.Column(tenths, sa.Integer(), nullable=True))
    op.execute(f"UPDATE {table} SET {tenths} = {whole} * 10")
    with op.batch_alter_table(table) as batch_op:
        batch_op.alter_column(tenths, existing_type=sa.Integer(), nullable=nullable)
        batch_op.drop_column(whole)


def _to_whole(table: str, tenths: str, whole: str, nullable: bool) -> None:
    # Rounded half up to the whole number the old schema held.
    with op.batch_alter_table(table) as batch_op:
        batch_op.add_column(sa.Column(whole, sa.Integer(), nullable=True))
    op.execute(f"UPDATE {table} SET {whole} = ({tenths} + 5) / 10")
    with op.batch_alter_table(table) as batch_op:
        batch_op.alter_column(whole, existing_type=sa.Integer(), nullable=nullable)
        batch_op.drop_column(tenths)


def downgrade() -> None:
    with op.batch_alter_table("practice_group") as batch_op:
        for column in NEW_THRESHOLDS:
            batch_op.drop_column(column)
    _to_whole("advice", "baseline_ors_tenths", "baseline_ors", nullable=True)
    with op.batch_alter_table("score") as batch_op:
        batch_op.drop_column("intake")
        batch_op.drop_column("session")
    _to_whole("score", "value_tenths", "value", nullable=False)
    op.drop_index("ix_client_group_id", table_name="client")
    op.drop_table("client")
