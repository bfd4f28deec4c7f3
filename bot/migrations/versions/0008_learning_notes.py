"""learning notes: every check-in's "one thing learned" and follow-up's "what happened?", and
notes written with `note`, kept with their objective and client code, their earlier wordings,
and each member's `notes pause`

The notes already written are copied into `learning_note` (the check-in and advice columns stay as
they are, since the digest reports them as written that week), each under the objective that was
active when it was written. A copied note is not put on the resurfacing schedule: its first steps
would long be past, so it is marked as having come back already (listed and archivable only).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

import bot.storage

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NO_MORE_RESURFACING = 99  # past any schedule's last step

OBJECTIVE_AT = """(
    SELECT o.id FROM objective AS o
    WHERE o.group_id = {table}.group_id AND o.user_id = {table}.{user}
      AND o.created_at <= {table}.{at} AND (o.closed_at IS NULL OR o.closed_at > {table}.{at})
    ORDER BY o.created_at DESC LIMIT 1
)"""

EXISTING_NOTES = f"""
INSERT INTO learning_note (group_id, user_id, text, source, objective_id, client_code, written_at, resurfaced)
SELECT group_id, user_id, learned, 'check_in', {OBJECTIVE_AT.format(table="checkin", user="user_id", at="answered_at")},
       NULL, answered_at, {NO_MORE_RESURFACING}
FROM checkin WHERE learned <> ''
UNION ALL
SELECT group_id, therapist_id, learning, 'follow_up',
       {OBJECTIVE_AT.format(table="advice", user="therapist_id", at="answered_at")},
       client_code, answered_at, {NO_MORE_RESURFACING}
FROM advice WHERE learning IS NOT NULL AND learning <> '' AND answered_at IS NOT NULL
"""


def upgrade() -> None:
    op.create_table(
        "learning_note",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("practice_group.id"), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("check_in", "follow_up", "note", name="notesource", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("objective_id", sa.Integer(), nullable=True),
        sa.Column("client_code", sa.String(), nullable=True),
        sa.Column("written_at", bot.storage.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resurfaced", sa.Integer(), nullable=False),
        sa.Column("archived_at", bot.storage.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_learning_note_group_id", "learning_note", ["group_id"])
    op.create_index("notes_of_author", "learning_note", ["group_id", "user_id", "written_at"])
    op.create_table(
        "learning_note_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("note_id", sa.Integer(), sa.ForeignKey("learning_note.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("replaced_at", bot.storage.UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_learning_note_revision_note_id", "learning_note_revision", ["note_id"])
    with op.batch_alter_table("member") as batch_op:
        batch_op.add_column(sa.Column("notes_paused", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(EXISTING_NOTES)


def downgrade() -> None:
    with op.batch_alter_table("member") as batch_op:
        batch_op.drop_column("notes_paused")
    op.drop_index("ix_learning_note_revision_note_id", table_name="learning_note_revision")
    op.drop_table("learning_note_revision")
    op.drop_index("notes_of_author", table_name="learning_note")
    op.drop_index("ix_learning_note_group_id", table_name="learning_note")
    op.drop_table("learning_note")
