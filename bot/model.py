"""The tables. A client is only ever a code the therapist chose; nothing here identifies one."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Enum, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from bot.meetings import Meeting, RequestKind
from bot.outcomes import DEFAULT_THRESHOLDS, Band, Thresholds
from bot.storage import Tenths, UTCDateTime


def _utc(nullable: bool = False, index: bool = False):
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _choice(enum: type[StrEnum], default=..., primary_key: bool = False):  # ... : required
    # Stored as the value in a plain string column: no database enum type to migrate.
    column_type = Enum(enum, native_enum=False, length=24, values_callable=lambda members: [m.value for m in members])
    return Field(default=default, sa_column=Column(column_type, nullable=False, primary_key=primary_key))


def _tenths(name: str, nullable: bool = False):
    # `name` says the column holds tenths (185 for 18.5); the attribute is the score itself.
    return Field(default=None, sa_column=Column(name, Tenths(), nullable=nullable))


def _long_text(nullable: bool = True):
    return Field(default=None, sa_column=Column(Text, nullable=nullable))


class Platform(StrEnum):
    """The chat platform a group, a person or a message belongs to; each has a front-end."""

    SLACK = "slack"
    TEAMS = "teams"
    SHELL = "shell"


def in_tenant(table, platform: Platform, tenant_id: str):
    """The SQL condition that a row of `table` belongs to one tenant of one platform."""
    return (table.platform == platform) & (table.tenant_id == tenant_id)


THRESHOLD_FIELDS = tuple(threshold.name for threshold in fields(Thresholds))  # a column of the group each


class Group(SQLModel, table=True):
    """A supervision group: one chat channel, one coach, its weekly rhythm and thresholds."""

    __tablename__ = "practice_group"
    __table_args__ = (UniqueConstraint("platform", "tenant_id", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: Platform = _choice(Platform)
    tenant_id: str  # a Slack workspace, a Microsoft Entra tenant, the shell
    channel_id: str
    address: str | None = _long_text()  # what the front-end needs to reach the channel; never read by the core
    # Where the app is installed that holds the channel, as the front-end names it (Teams: the team),
    # so that removing the app from there removes the group; None where the tenant is one install (Slack).
    installation_id: str | None = None
    coach_id: str
    timezone: str
    digest_weekday: int = 4
    digest_time: time = time(15, 0)
    checkin_weekday: int = 0
    checkin_time: time = time(10, 0)
    ors_clinical_cutoff: int = DEFAULT_THRESHOLDS.ors_clinical_cutoff
    ors_reliable_change: int = DEFAULT_THRESHOLDS.ors_reliable_change
    srs_alliance_concern: int = DEFAULT_THRESHOLDS.srs_alliance_concern
    child_cutoff: int = DEFAULT_THRESHOLDS.child_cutoff
    adolescent_cutoff: int = DEFAULT_THRESHOLDS.adolescent_cutoff
    on_track_session: int = DEFAULT_THRESHOLDS.on_track_session
    on_track_weeks: int = DEFAULT_THRESHOLDS.on_track_weeks
    watch_session: int = DEFAULT_THRESHOLDS.watch_session
    srs_drop: int = DEFAULT_THRESHOLDS.srs_drop
    outcomes_in_channel: bool = True  # client-level outcome lines in the channel digest, or only the coach's
    digest_chosen: bool = False  # `setup digest` was given: a meeting time no longer moves the digest
    meeting_weekday: int | None = None  # when the group meets (`setup meeting`), in the group's zone; None: not set
    meeting_time: time | None = None
    meeting_minutes: int = 90
    feedback_named: bool = False  # the coach's preview names who said what about the meeting
    workday_start: time = time(9, 0)
    workday_end: time = time(17, 0)
    workdays: str = "01234"  # the weekdays direct messages may go out on, Monday as 0
    created_at: datetime = _utc()
    rhythm_from: datetime = _utc()  # weekly occurrences before this (set-up, or a change of times) are not sent
    last_digest_at: datetime | None = _utc(nullable=True)
    planned_until: datetime | None = _utc(nullable=True)  # the plan pass skips the group until then; None: plan it
    removed_at: datetime | None = _utc(nullable=True)  # the app was uninstalled: nothing is sent; purged later

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(**{name: getattr(self, name) for name in THRESHOLD_FIELDS})

    @property
    def meeting(self) -> Meeting | None:
        if self.meeting_weekday is None or self.meeting_time is None:
            return None
        return Meeting(self.meeting_weekday, self.meeting_time, self.meeting_minutes)


class Member(SQLModel, table=True):
    """A therapist in a group; leaving keeps the row so history still reads right."""

    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    user_id: str
    joined_at: datetime = _utc()
    left_at: datetime | None = _utc(nullable=True)
    paused_until: datetime | None = _utc(nullable=True)
    notes_in_channel: bool = False  # learning notes go only to the coach unless the therapist shares them
    notes_paused: bool = False  # `notes pause`: no learning note comes back until `notes resume`


class Holiday(SQLModel, table=True):
    """A day the group takes off: direct messages and the digest due then wait for the next working day."""

    __table_args__ = (UniqueConstraint("group_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    day: date


class Person(SQLModel, table=True):
    """What the chat platform told us about a user that scheduling needs: their IANA zone,
    and what the front-end needs to reach them (opaque to the core)."""

    platform: Platform = _choice(Platform, primary_key=True)
    tenant_id: str = Field(primary_key=True)
    user_id: str = Field(primary_key=True)
    timezone: str | None  # None until the platform tells it (Teams: with the user's own activities)
    display_name: str | None = None  # where the platform's mentions show a name (Teams)
    address: str | None = _long_text()
    refreshed_at: datetime = _utc()


class ObjectiveStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    REFINED = "refined"
    DROPPED = "dropped"


class Objective(SQLModel, table=True):
    __table_args__ = (
        Index(
            "one_active_objective",
            "group_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    user_id: str
    text: str = _long_text(nullable=False)
    leverage: str | None = _long_text()
    evidence: str | None = _long_text()
    review_on: date
    status: ObjectiveStatus = _choice(ObjectiveStatus, ObjectiveStatus.ACTIVE)
    created_at: datetime = _utc()
    closed_at: datetime | None = _utc(nullable=True)
    ended_why: str | None = _long_text()  # why it was achieved, refined or dropped, in the therapist's words
    kept_why: str | None = _long_text()  # why they kept working on it, at its latest review
    # The coach's recordings of this therapist reviewed in the weeks before it was set (see
    # bot/knowing.py); None for an objective set before they were counted.
    recordings_reviewed: int | None = None


class AdviceStatus(StrEnum):
    OPEN = "open"
    APPLIED = "applied"
    PARTLY = "partly"
    NOT_YET = "not_yet"
    NO_LONGER_RELEVANT = "no_longer_relevant"


# Open advice still waits for its follow-up's answer; "Not yet" keeps it open. Any other answer closes it.
OPEN_ADVICE = (AdviceStatus.OPEN, AdviceStatus.NOT_YET)
ADVICE_OUTCOMES = {  # what came of advice, as the client view and the digest say it
    AdviceStatus.OPEN: "awaiting its follow-up",
    AdviceStatus.NOT_YET: "not applied yet",
    AdviceStatus.APPLIED: "applied",
    AdviceStatus.PARTLY: "partly applied",
    AdviceStatus.NO_LONGER_RELEVANT: "no longer relevant",
}
CLOSED_ADVICE = tuple(status for status in AdviceStatus if status not in OPEN_ADVICE)


class Advice(SQLModel, table=True):
    """Advice from consultation, and the loop that closes it: applied? did the outcome move?"""

    __table_args__ = (Index("open_advice", "group_id", "status"), Index("answered_advice", "group_id", "answered_at"))

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    therapist_id: str
    given_by: str
    text: str = _long_text(nullable=False)
    client_code: str | None = None
    baseline_ors: Decimal | None = _tenths("baseline_ors_tenths", nullable=True)
    created_at: datetime = _utc()
    status: AdviceStatus = _choice(AdviceStatus, AdviceStatus.OPEN)
    answered_at: datetime | None = _utc(nullable=True)
    learning: str | None = _long_text()


class ScoreKind(StrEnum):
    ORS = "ors"
    SRS = "srs"


class Client(SQLModel, table=True):
    """A client code in one therapist's caseload in one group; closing it keeps the record."""

    __table_args__ = (UniqueConstraint("group_id", "therapist_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    therapist_id: str
    code: str
    band: Band = _choice(Band, Band.ADULT)
    created_at: datetime = _utc()
    closed_at: datetime | None = _utc(nullable=True)  # treatment ended; reopening clears it


class Score(SQLModel, table=True):
    """An ORS or SRS total (0-40, one decimal place) the therapist typed in for one of their
    client codes; the latest ORS marked `intake` is the client's intake, or else the first."""

    __table_args__ = (
        Index("latest_scores", "group_id", "user_id", "client_code", "kind", "recorded_at", "id"),
        Index("intake_scores", "group_id", "user_id", "client_code", "kind", "intake", "recorded_at", "id"),
        Index("scores_in_period", "group_id", "kind", "recorded_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    user_id: str
    client_code: str
    kind: ScoreKind = _choice(ScoreKind)
    value: Decimal = _tenths("value_tenths")
    session: int | None = None
    intake: bool = False
    recorded_at: datetime = _utc()


class PracticeKind(StrEnum):
    """What a stretch of deliberate practice was spent on."""

    RECORDING_REVIEW = "recording_review"
    SKILL_REHEARSAL = "skill_rehearsal"
    READING = "reading"
    NOTES_REVIEW = "notes_review"  # reviewing one's learning notes
    CONSULTATION = "consultation"
    OTHER = "other"


class PracticeLog(SQLModel, table=True):
    __table_args__ = (Index("logs_in_period", "group_id", "logged_at"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    user_id: str
    minutes: int
    activity: str = _long_text(nullable=False)
    kind: PracticeKind = _choice(PracticeKind, PracticeKind.OTHER)
    logged_at: datetime = _utc()


class RecordingReview(SQLModel, table=True):
    """One of a therapist's session recordings that their coach listened to or watched."""

    __tablename__ = "recording_review"
    __table_args__ = (Index("recordings_of_therapist", "group_id", "therapist_id", "reviewed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    therapist_id: str
    coach_id: str
    client_code: str | None = None
    note: str | None = _long_text()
    reviewed_at: datetime = _utc()


class CheckIn(SQLModel, table=True):
    """A therapist's answer to one weekly check-in."""

    __table_args__ = (
        UniqueConstraint("group_id", "user_id", "week"),
        Index("check_ins_in_period", "group_id", "answered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    user_id: str
    week: str
    progress: int
    minutes: int
    learned: str = _long_text(nullable=False)
    answered_at: datetime = _utc()


class NoteSource(StrEnum):
    CHECK_IN = "check_in"  # "one thing learned"
    FOLLOW_UP = "follow_up"  # "what happened? what did you learn?"
    NOTE = "note"  # `/practice note`
    INTENTION = "intention"  # "your intention for this session?", from `/practice prep`


class LearningNote(SQLModel, table=True):
    """Something a therapist learned, kept with the objective it was written under and the
    client code if any; it comes back to them on a spaced schedule until archived."""

    __tablename__ = "learning_note"
    __table_args__ = (Index("notes_of_author", "group_id", "user_id", "written_at"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    user_id: str
    text: str = _long_text(nullable=False)
    source: NoteSource = _choice(NoteSource)
    objective_id: int | None = None
    client_code: str | None = None
    written_at: datetime = _utc()
    resurfaced: int = 0  # how many times it has come back; the schedule's next step
    archived_at: datetime | None = _utc(nullable=True)


class NoteRevision(SQLModel, table=True):
    """A learning note's earlier wording, kept when it is refined."""

    __tablename__ = "learning_note_revision"

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="learning_note.id", index=True)
    text: str = _long_text(nullable=False)
    replaced_at: datetime = _utc()


class MeetingRequest(SQLModel, table=True):
    """A member's answer to the prep message before one meeting (its local date in the group's zone)."""

    __tablename__ = "meeting_request"
    __table_args__ = (UniqueConstraint("group_id", "user_id", "meeting_on"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    user_id: str
    meeting_on: date
    kind: RequestKind = _choice(RequestKind)
    client_code: str | None = None
    text: str | None = _long_text()
    answered_at: datetime = _utc()


class MeetingFeedback(SQLModel, table=True):
    """A member's feedback on one meeting: how useful it was (0-10) and what would make it more so."""

    __tablename__ = "meeting_feedback"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id", "meeting_on"),
        Index("feedback_in_period", "group_id", "answered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    user_id: str
    meeting_on: date
    usefulness: int
    suggestion: str | None = _long_text()
    advice_id: int | None = None  # what they will try before the next meeting, kept as advice to themself
    answered_at: datetime = _utc()


class DeliveryKind(StrEnum):
    FOLLOW_UP = "follow_up"
    CHECK_IN = "check_in"
    REVIEW = "review"
    DIGEST = "digest"
    RESURFACING = "resurfacing"  # a learning note coming back to its author
    PREP = "prep"  # before the digest: what do you want from the next meeting?
    FEEDBACK = "feedback"  # after the meeting: how useful was it?


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    SKIPPED = "skipped"
    SUPERSEDED = "superseded"  # a weekly occurrence held back until a newer one of its kind was due
    DEAD = "dead"


class Delivery(SQLModel, table=True):
    """One scheduled message: due in UTC, unique per occurrence, claimed under a lease."""

    __table_args__ = (
        Index("due_deliveries", "status", "due_at"),
        Index("deliveries_of_subject", "group_id", "kind", "subject_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    kind: DeliveryKind = _choice(DeliveryKind)
    group_id: int = Field(foreign_key="practice_group.id", index=True)
    recipient_id: str | None = None
    subject_id: int | None = None
    is_reminder: bool = False
    due_at: datetime = _utc()
    expires_at: datetime | None = _utc(nullable=True)  # skipped, not sent late, after this
    held_by_pause: bool = False  # waiting for its recipient's pause to end; `resume` releases it
    failure_reported: bool = False  # given up, and a posted digest has told the coach why
    status: DeliveryStatus = _choice(DeliveryStatus, DeliveryStatus.PENDING)
    attempts: int = 0
    lease_token: str | None = None
    lease_expires_at: datetime | None = _utc(nullable=True)
    sent_at: datetime | None = _utc(nullable=True)
    message_channel: str | None = None  # where the sent message lives, as the front-end named it
    message_id: str | None = None
    answer: str | None = None
    last_error: str | None = None


class AuditEntry(SQLModel, table=True):
    """Who did what, when: coach actions, role changes, overrides, exports and deletions.
    Never the content of what was written."""

    id: int | None = Field(default=None, primary_key=True)
    platform: Platform = _choice(Platform)
    tenant_id: str = Field(index=True)
    group_id: int | None = None
    actor_id: str
    action: str
    detail: str = ""
    at: datetime = _utc()


class SendingHold(SQLModel, table=True):
    """Sending stopped for one tenant of one platform that refused our credentials;
    nothing is lost, and sending there resumes once a check of the credentials succeeds."""

    platform: Platform = _choice(Platform, primary_key=True)
    tenant_id: str = Field(primary_key=True)
    reason: str
    since: datetime = _utc()
    check_after: datetime = _utc()


class SeenRequest(SQLModel, table=True):
    """A platform request already handled, so that a retry of it changes nothing."""

    key: str = Field(primary_key=True)
    seen_at: datetime = _utc(index=True)


class PendingText(SQLModel, table=True):
    """A command whose text looked identifying, kept briefly so its author can say "save
    anyway": the button carries only the unguessable token, never the text."""

    __tablename__ = "pending_text"

    token: str = Field(primary_key=True)
    platform: Platform = _choice(Platform)
    tenant_id: str
    user_id: str
    command_text: str = _long_text(nullable=False)
    created_at: datetime = _utc()
    expires_at: datetime = _utc(index=True)


class ChartImage(SQLModel, table=True):
    """A chart's PNG behind a signed link to the bot's own server (when PUBLIC_URL is set), kept
    in the database so that any replica can serve it, until it expires."""

    __tablename__ = "chart_image"

    id: str = Field(primary_key=True)  # the PNG's SHA-256: the same chart, the same row
    png: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    expires_at: datetime = _utc(index=True)


class SigningKey(SQLModel, table=True):
    """A random key in the database, shared by every replica: chart links are signed with it."""

    __tablename__ = "signing_key"

    name: str = Field(primary_key=True)
    secret: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
