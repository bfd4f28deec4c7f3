"""indexes for the digest's queries: the latest score per client code, each period's records, follow-ups of advice

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = {
    "open_advice": ("advice", ["group_id", "status"]),
    "answered_advice": ("advice", ["group_id", "answered_at"]),
    "latest_scores": ("score", ["group_id", "user_id", "client_code", "kind", "recorded_at", "id"]),
    "scores_in_period": ("score", ["group_id", "kind", "recorded_at"]),
    "logs_in_period": ("practicelog", ["group_id", "logged_at"]),
    "check_ins_in_period": ("checkin", ["group_id", "answered_at"]),
    "deliveries_of_subject": ("delivery", ["group_id", "kind", "subject_id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
