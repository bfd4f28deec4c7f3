"""the kind of each practice log (recording review, skill rehearsal, reading, reviewing learning
notes, consultation, other)

Existing logs get their kind from the words of their activity, by the keyword rule as it stood
when this migration was written: a copy kept here, so that a later change to the live rule
(bot/practice_time.py) does not change what this migration does.

Revision ID: 0012
Revises: 0011
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KINDS = ("recording_review", "skill_rehearsal", "reading", "notes_review", "consultation", "other")
KEYWORDS = (  # the first kind with a word starting with one of its keywords
    ("recording_review", ("recording", "tape", "video")),
    ("skill_rehearsal", ("rehears", "role-play", "roleplay", "role play", "drill")),
    ("notes_review", ("notes",)),
    ("reading", ("read", "article", "book", "paper")),
    ("consultation", ("consult", "peer")),
)
RULES = tuple(
    (kind, re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + ")", re.IGNORECASE))
    for kind, words in KEYWORDS
)


def kind_of(activity: str) -> str:
    return next((kind for kind, rule in RULES if rule.search(activity)), "other")


def upgrade() -> None:
    kind = sa.Enum(*KINDS, name="practicekind", native_enum=False, length=24)
    with op.batch_alter_table("practicelog") as batch_op:
        batch_op.add_column(sa.Column("kind", kind, nullable=False, server_default="other"))
    connection = op.get_bind()
    logs = connection.execute(sa.text("SELECT id, activity FROM practicelog")).all()
    changed = [{"id": log_id, "kind": kind_of(activity)} for log_id, activity in logs]
    changed = [row for row in changed if row["kind"] != "other"]
    if changed:
        connection.execute(sa.text("UPDATE practicelog SET kind = :kind WHERE id = :id"), changed)
    with op.batch_alter_table("practicelog") as batch_op:
        batch_op.alter_column("kind", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("practicelog") as batch_op:
        batch_op.drop_column("kind")
