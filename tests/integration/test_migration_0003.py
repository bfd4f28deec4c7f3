"""Migration 0003 keeps every existing row: a database made by the schema before it, with
rows in every table, comes out with each row in place, labelled with its platform and tenant."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel, select

from bot.model import AuditEntry, Delivery, Group, PendingText, Person, Platform, SendingHold
from bot.storage import make_engine, upgrade

AT = "2026-11-02 09:00:00+00:00"
ROWS_BEFORE_0003 = [  # one row or more in every table of revision 0002
    "INSERT INTO practice_group (id, team_id, channel_id, coach_id, timezone, digest_weekday, digest_time,"
    " checkin_weekday, checkin_time, ors_clinical_cutoff, ors_reliable_change, srs_alliance_concern,"
    " workday_start, workday_end, workdays, created_at, rhythm_from)"
    " VALUES (1, 'T1', 'CGROUP', 'UCOACH', 'UTC', 4, '15:00:00', 0, '10:00:00', 25, 5, 36,"
    " '09:00:00', '17:00:00', '01234', :at, :at),"
    " (2, 'shell', 'supervision', 'coach', 'UTC', 4, '15:00:00', 0, '10:00:00', 25, 5, 36,"
    " '09:00:00', '17:00:00', '01234', :at, :at)",
    "INSERT INTO member (id, group_id, user_id, joined_at, notes_in_channel) VALUES (1, 1, 'UALICE', :at, false)",
    "INSERT INTO holiday (id, group_id, day) VALUES (1, 1, '2026-12-25')",
    "INSERT INTO person (team_id, user_id, timezone, refreshed_at) VALUES ('T1', 'UALICE', 'Europe/Berlin', :at),"
    " ('shell', 'alice', 'UTC', :at)",
    "INSERT INTO objective (id, group_id, user_id, text, review_on, status, created_at)"
    " VALUES (1, 1, 'UALICE', 'Ask for feedback', '2026-12-01', 'active', :at)",
    "INSERT INTO advice (id, group_id, therapist_id, given_by, text, created_at, status)"
    " VALUES (1, 1, 'UALICE', 'UCOACH', 'Slow down', :at, 'open')",
    "INSERT INTO score (id, group_id, user_id, client_code, kind, value, recorded_at)"
    " VALUES (1, 1, 'UALICE', 'C12', 'ors', 18, :at)",
    "INSERT INTO practicelog (id, group_id, user_id, minutes, activity, logged_at)"
    " VALUES (1, 1, 'UALICE', 20, 'reviewed a recording', :at)",
    "INSERT INTO checkin (id, group_id, user_id, week, progress, minutes, learned, answered_at)"
    " VALUES (1, 1, 'UALICE', '2026-W45', 3, 30, 'pause more', :at)",
    "INSERT INTO delivery (id, key, kind, group_id, recipient_id, subject_id, is_reminder, due_at, held_by_pause,"
    " failure_reported, status, attempts, message_channel, message_ts)"
    " VALUES (1, 'follow_up:1:1', 'follow_up', 1, 'UALICE', 1, false, :at, false, false, 'sent', 1, 'D1', '1.5')",
    "INSERT INTO auditentry (id, team_id, group_id, actor_id, action, detail, at)"
    " VALUES (1, 'T1', 1, 'UCOACH', 'group set up', '', :at)",
    "INSERT INTO sendinghold (team_id, reason, since, check_after) VALUES ('T1', 'token_revoked', :at, :at)",
    "INSERT INTO seenrequest (key, seen_at) VALUES ('slack:trigger:1', :at)",
    "INSERT INTO pending_text (token, team_id, user_id, command_text, created_at, expires_at)"
    " VALUES ('tok', 'T1', 'UALICE', 'log 20 x', :at, :at)",
]


TABLES_ADDED_LATER = {  # by 0007, 0008, 0011, 0013, 0014 and 0016
    "client",
    "learning_note",
    "learning_note_revision",
    "recording_review",
    "meeting_request",
    "meeting_feedback",
    "slack_installations",
    "slack_bots",
    "slack_oauth_states",
    "chart_image",
    "signing_key",
}


def table_sizes(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in inspect(connection).get_table_names()
            if table != "alembic_version"
        }


def test_upgrading_a_database_of_the_previous_schema_keeps_every_row_and_labels_it(empty_database_url):
    engine = make_engine(empty_database_url)
    try:
        upgrade(engine, "0002")
        with engine.begin() as connection:
            for statement in ROWS_BEFORE_0003:
                connection.execute(text(statement), {"at": AT})
        before = table_sizes(engine)
        assert set(before) == set(SQLModel.metadata.tables) - TABLES_ADDED_LATER, "every table has a row to keep"
        assert all(before.values())

        upgrade(engine)

        assert {table: size for table, size in table_sizes(engine).items() if table in before} == before
        with Session(engine) as session:
            groups = {(g.platform, g.tenant_id, g.channel_id) for g in session.exec(select(Group))}
            assert groups == {(Platform.SLACK, "T1", "CGROUP"), (Platform.SHELL, "shell", "supervision")}
            people = {(p.platform, p.tenant_id, p.user_id, p.timezone) for p in session.exec(select(Person))}
            assert people == {
                (Platform.SLACK, "T1", "UALICE", "Europe/Berlin"),
                (Platform.SHELL, "shell", "alice", "UTC"),
            }
            assert session.get(Person, (Platform.SLACK, "T1", "UALICE")).address is None
            assert session.get(Delivery, 1).message_id == "1.5"
            assert session.get(SendingHold, (Platform.SLACK, "T1")).reason == "token_revoked"
            assert [(a.platform, a.tenant_id) for a in session.exec(select(AuditEntry))] == [(Platform.SLACK, "T1")]
            assert session.get(PendingText, "tok").platform is Platform.SLACK
    finally:
        engine.dispose()
