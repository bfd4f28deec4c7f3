"""every group, person, audit entry, sending hold and pending text carries its platform and
tenant; Slack's words become neutral ones

Revision ID: 0003
Revises: 0002

Until now every row was Slack's, except the shell's, whose tenant was "shell". `team_id`
becomes `tenant_id`, `delivery.message_ts` becomes `message_id`; groups and people gain the
front-end's opaque `address`. Keys that named a workspace now name a platform and a tenant.
"""

import sqlalchemy as sa
from alembic import op

import bot.storage

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES_GAINING_A_PLATFORM = ("practice_group", "auditentry", "pending_text")
PLATFORM_OF_OLD_ROWS = "CASE WHEN team_id = 'shell' THEN 'shell' ELSE 'slack' END"
# SQLite's constraints from 0001 have no names; naming them lets batch mode drop them.
NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    on_sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES_GAINING_A_PLATFORM:
        with op.batch_alter_table(table, naming_convention=NAMES) as batch:
            batch.add_column(sa.Column("platform", sa.String(24), nullable=False, server_default="slack"))
            batch.alter_column(
                "team_id", new_column_name="tenant_id", existing_type=sa.String(), existing_nullable=False
            )
        op.execute(sa.text(f"UPDATE {table} SET platform = 'shell' WHERE tenant_id = 'shell'"))
        with op.batch_alter_table(table) as batch:
            batch.alter_column("platform", server_default=None, existing_type=sa.String(24), existing_nullable=False)

    with op.batch_alter_table("practice_group", naming_convention=NAMES) as batch:
        batch.drop_constraint(
            "uq_practice_group_team_id" if on_sqlite else "practice_group_team_id_channel_id_key", type_="unique"
        )
        batch.create_unique_constraint(
            "practice_group_platform_tenant_id_channel_id_key", ["platform", "tenant_id", "channel_id"]
        )
        batch.add_column(sa.Column("address", sa.Text(), nullable=True))

    # Their primary keys change: rebuilt and copied, the same way on every database.
    _rebuild(
        "person",
        [
            sa.Column("user_id", sa.String(), nullable=False),
            sa.Column("timezone", sa.String(), nullable=False),
            sa.Column("refreshed_at", bot.storage.UTCDateTime(timezone=True), nullable=False),
            sa.Column("address", sa.Text(), nullable=True),
        ],
        key=("platform", "tenant_id", "user_id"),
        copied="user_id, timezone, refreshed_at",
    )
    _rebuild(
        "sendinghold",
        [
            sa.Column("reason", sa.String(), nullable=False),
            sa.Column("since", bot.storage.UTCDateTime(timezone=True), nullable=False),
            sa.Column("check_after", bot.storage.UTCDateTime(timezone=True), nullable=False),
        ],
        key=("platform", "tenant_id"),
        copied="reason, since, check_after",
    )

    with op.batch_alter_table("auditentry") as batch:
        batch.drop_index("ix_auditentry_team_id")
        batch.create_index("ix_auditentry_tenant_id", ["tenant_id"], unique=False)

    with op.batch_alter_table("delivery") as batch:
        batch.alter_column(
            "message_ts", new_column_name="message_id", existing_type=sa.String(), existing_nullable=True
        )


def _rebuild(table: str, columns: list[sa.Column], key: tuple[str, ...], copied: str) -> None:
    op.create_table(
        f"{table}_new",
        sa.Column("platform", sa.String(24), nullable=False),
        sa.Column("tenant_id", sa.String(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint(*key, name=f"{table}_pkey_new"),
    )
    op.execute(
        sa.text(
            f"INSERT INTO {table}_new (platform, tenant_id, {copied}) "
            f"SELECT {PLATFORM_OF_OLD_ROWS}, team_id, {copied} FROM {table}"
        )
    )
    op.drop_table(table)
    op.rename_table(f"{table}_new", table)


def downgrade() -> None:
    raise NotImplementedError("0003 is not reversible: restore the backup taken before upgrading")
