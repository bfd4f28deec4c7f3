"""The `/practice` command grammar, shared by every chat platform.

Front-ends hand over the text after the command name, with each of their own mentions
replaced by `user_token(id)`. Usages are the words after the command name too: each
front-end shows them with its own way of calling the command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

from bot import values
from bot.knowing import WINDOW_WEEKS
from bot.meetings import DEFAULT_MINUTES, Meeting
from bot.messages import Code, Line, Term, line, plain_text
from bot.outcomes import Band
from bot.practice_time import WEEKS_SHOWN
from bot.values import InvalidValue

DEFAULT_FOLLOW_UP_DAYS = 14
# Private-use characters, which nobody types by accident, around the user's id.
USER_START, USER_END = "\ue000", "\ue001"
USER_REFERENCE = re.compile(f"{USER_START}([A-Za-z0-9._:-]+){USER_END}")  # Teams ids: 29:1a…


def user_token(user_id: str) -> str:
    """A reference to a user, as front-ends write their own mentions in the text they hand over."""
    return f"{USER_START}{user_id}{USER_END}"


def readable(text: str) -> str:
    """`text` with each user reference as @id: how what was typed is shown back or kept."""
    return USER_REFERENCE.sub(r"@\1", text)


USAGE = {
    "help": "help",
    "setup": "setup [digest <weekday> <HH:MM>] [checkin <weekday> <HH:MM>] [tz <Area/City>]"
    " [hours <HH:MM>-<HH:MM>] [days <mon-fri>] [ors-cutoff <0-40>] [child-cutoff <0-40>] [adolescent-cutoff <0-40>]"
    " [reliable-change <1-40>] [on-track-session <1-99>] [on-track-weeks <1-52>] [watch-session <1-99>]"
    " [srs-concern <0-40>] [srs-drop <1-40>] [outcomes channel|coach] [meeting <weekday> <HH:MM> [<N>m]|off]"
    " [supervision-feedback named|anonymous]",
    "join": "join",
    "leave": "leave",
    "objective": "objective [text|history]",
    "advice": "advice @therapist <text> [client <CODE>] [ors <0-40>] [in <N>d|<N>w|<N> days|<N> weeks]",
    "recording": "recording @therapist [client <CODE>] [note]",
    "outcome": "outcome <CODE> ors|srs <0-40> [session <N>] [intake]",
    "client": "client <CODE> [band child|adolescent|adult|close|reopen|@therapist]",
    "caseload": "caseload [@therapist]",
    "log": "log <minutes> <activity>",
    "status": "status",
    "home": "home",
    "digest": "digest preview|post",
    "pause": "pause <N>d|<N>w|<N> days|<N> weeks",
    "resume": "resume",
    "holiday": "holiday <YYYY-MM-DD>[..<YYYY-MM-DD>]",
    "note": "note <text> [client <CODE>]",
    "prep": "prep <CODE>",
    "notes": "notes [client <CODE>|pause|resume|channel|coach]",
    "coach": "coach @new-coach",
    "forget": "forget",
    "export": "export",
}

SUMMARIES: dict[str, str | Line] = {
    "setup": "make this channel a supervision group, with you as coach (run again to change settings)",
    "join": "join this channel's group as a therapist",
    "leave": "leave this channel's group",
    "objective": "set your learning objective; with no text, opens a form;"
    " history: each objective with your ratings, practice and clients' outcomes during it and before",
    "advice": "record advice from consultation and schedule its follow-up; with no text, opens a form",
    "recording": "coach only: record that you reviewed one of a therapist's session recordings;"
    f" setting an objective shows them how many you reviewed in the last {WINDOW_WEEKS} weeks",
    "outcome": "record a client's ORS or SRS total (like 23.5), its session, and whether it is the intake",
    "client": "a client's scores from intake, classification, advice and flags; set its age band, close or reopen",
    "caseload": "your active clients: how many improved, unchanged, deteriorated, not on track, alliance concerns",
    "log": line(
        "log deliberate-practice time, e.g. ",
        Code("log 30 reviewed a session recording"),
        "; its kind is told from the words; with nothing after it, opens a form to choose the kind",
    ),
    "status": "your objective, open follow-ups, and your practice minutes this week,"
    f" each of the last {WEEKS_SHOWN} weeks and by kind",
    "home": "your Home: objective, check-in, follow-ups with their buttons, practice, clients, notes, pause;"
    " for a coach, each group's therapists, next agenda and participation",
    "digest": "coach only: preview the weekly digest, or post it to the channel now",
    "pause": line(
        "pause your direct messages for a while, e.g. ", Code("pause 2w"), "; follow-ups and reviews wait for you"
    ),
    "resume": "end your pause now",
    "holiday": "coach only: days off for the group; what falls due then waits for the next working day",
    "note": "keep a learning note; it comes back to you after 2 days, 1 week, 3 weeks and 2 months",
    "prep": "a minute before a session: the client's scores, open advice, your objective, your newest note;"
    " set an intention",
    "notes": "your learning notes, newest first (one client's with client); pause or resume their return;"
    " who reads them in the digest: the channel, or only your coach (the default)",
    "coach": line(Term.COACH_HANDOVER, ": hand the coach role to someone else"),
    "export": "all your data, sent to you as JSON and CSV files",
    "forget": "delete all your data, after you confirm",
    "help": "show this help",
}


class UsageError(Exception):
    """The request cannot be carried out; `message` says why and `usage` shows the right form.

    `message` is plain text, or a line of spans where it names people, channels or code.
    """

    def __init__(self, message: str | Line, usage: str):
        super().__init__(message if isinstance(message, str) else plain_text(message))
        self.message = message
        self.usage = usage


def refuse(message: str | Line, usage_of: str) -> UsageError:
    return UsageError(message, USAGE[usage_of])


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class WeeklyTime:
    weekday: int
    at: time


@dataclass(frozen=True)
class MeetingChange:
    meeting: Meeting | None  # None: `meeting off`


@dataclass(frozen=True)
class Setup:
    digest: WeeklyTime | None = None
    checkin: WeeklyTime | None = None
    timezone: str | None = None
    hours: tuple[time, time] | None = None
    workdays: frozenset[int] | None = None
    ors_clinical_cutoff: int | None = None
    ors_reliable_change: int | None = None
    srs_alliance_concern: int | None = None
    child_cutoff: int | None = None
    adolescent_cutoff: int | None = None
    on_track_session: int | None = None
    on_track_weeks: int | None = None
    watch_session: int | None = None
    srs_drop: int | None = None
    outcomes_in_channel: bool | None = None
    meeting: MeetingChange | None = None
    feedback_named: bool | None = None


@dataclass(frozen=True)
class Pause:
    days: int


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class NotesVisibility:
    in_channel: bool


@dataclass(frozen=True)
class WriteNote:
    text: str
    client_code: str | None = None


@dataclass(frozen=True)
class Prepare:
    client_code: str


@dataclass(frozen=True)
class ListNotes:
    client_code: str | None = None


@dataclass(frozen=True)
class PauseNotes:
    paused: bool


@dataclass(frozen=True)
class HandOverCoach:
    new_coach_id: str


@dataclass(frozen=True)
class Forget:
    pass


@dataclass(frozen=True)
class Export:
    pass


@dataclass(frozen=True)
class AddHoliday:
    first: date
    last: date


@dataclass(frozen=True)
class Join:
    pass


@dataclass(frozen=True)
class Leave:
    pass


@dataclass(frozen=True)
class SetObjective:
    text: str | None  # None: open the objective form


@dataclass(frozen=True)
class ObjectiveHistory:
    pass


@dataclass(frozen=True)
class GiveAdvice:
    therapist_id: str
    text: str
    client_code: str | None = None
    baseline_ors: Decimal | None = None
    follow_up_days: int = DEFAULT_FOLLOW_UP_DAYS


@dataclass(frozen=True)
class OpenAdviceForm:
    pass


@dataclass(frozen=True)
class ReviewRecording:
    therapist_id: str
    client_code: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class RecordOutcome:
    client_code: str
    kind: str
    value: Decimal
    session: int | None = None
    intake: bool = False


@dataclass(frozen=True)
class ShowClient:
    client_code: str
    therapist_id: str | None = None  # None: the caller's own client


@dataclass(frozen=True)
class SetClientBand:
    client_code: str
    band: Band


@dataclass(frozen=True)
class CloseClient:
    client_code: str


@dataclass(frozen=True)
class ReopenClient:
    client_code: str


@dataclass(frozen=True)
class ShowCaseload:
    therapist_id: str | None = None  # None: the caller's own caseload


@dataclass(frozen=True)
class LogPractice:
    minutes: int
    activity: str


@dataclass(frozen=True)
class OpenLogForm:
    pass


@dataclass(frozen=True)
class Status:
    pass


@dataclass(frozen=True)
class Home:
    pass


@dataclass(frozen=True)
class DigestRequest:
    post: bool


Command = (
    Help
    | Setup
    | Join
    | Leave
    | SetObjective
    | ObjectiveHistory
    | GiveAdvice
    | OpenAdviceForm
    | ReviewRecording
    | RecordOutcome
    | ShowClient
    | SetClientBand
    | CloseClient
    | ReopenClient
    | ShowCaseload
    | LogPractice
    | OpenLogForm
    | Status
    | Home
    | DigestRequest
    | Pause
    | Resume
    | AddHoliday
    | NotesVisibility
    | WriteNote
    | Prepare
    | ListNotes
    | PauseNotes
    | HandOverCoach
    | Forget
    | Export
)


@dataclass
class _Words:
    name: str
    words: list[str] = field(default_factory=list)

    def fail(self, message: str | Line) -> UsageError:
        """A refusal; what was typed in it shows user references as @id."""
        if isinstance(message, str):
            return UsageError(readable(message), USAGE[self.name])
        return UsageError(
            tuple(readable(span) if isinstance(span, str) else span for span in message), USAGE[self.name]
        )

    def text(self, words: list[str]) -> str:
        """Words as the text they make, to be kept."""
        return readable(" ".join(words))

    def checked(self, parse, *raw: str, typed: str | None = None):
        """`parse(*raw)`; a bad value is refused with its reason, after the words `typed` that held it."""
        try:
            return parse(*raw)
        except InvalidValue as error:
            raise self.fail(f"“{typed}”: {error}" if typed else str(error)) from None

    def expect_none(self) -> None:
        if self.words:
            raise self.fail(line(Code(self.name), f" takes no arguments, but got “{' '.join(self.words)}”."))


def parse(text: str) -> Command:
    words = text.split()
    if not words or words[0].lower() == "help":
        return Help()
    name = words[0].lower()
    parser = _PARSERS.get(name)
    if parser is None:
        raise UsageError(f"I don't know the subcommand “{readable(words[0])}”.", USAGE["help"])
    return parser(_Words(name, words[1:]))


def usage_for(text: str) -> str:
    """The usage of the subcommand `text` starts with, or of help."""
    words = text.split()
    return USAGE.get(words[0].lower(), USAGE["help"]) if words else USAGE["help"]


def _weekly(raw_day: str, raw_time: str) -> WeeklyTime:
    return WeeklyTime(values.weekday(raw_day), values.clock_time(raw_time))


def _outcomes_audience(raw: str) -> bool:
    """True for `channel`: the channel digest shows client-level outcome lines; False for `coach`."""
    if raw.lower() not in ("channel", "coach"):
        raise InvalidValue(
            "Say “outcomes channel” to show client outcome lines in the channel digest,"
            " or “outcomes coach” to keep them to the coach's preview."
        )
    return raw.lower() == "channel"


def _feedback_audience(raw: str) -> bool:
    """True for `named`: the coach's preview says who gave which feedback on the meeting."""
    if raw.lower() not in ("named", "anonymous"):
        raise InvalidValue(
            "Say “supervision-feedback anonymous” (the default) to see the feedback on the meeting without names,"
            " or “supervision-feedback named”."
        )
    return raw.lower() == "named"


def _meeting_word_count(following: list[str]) -> int:
    """`meeting off` takes one word; `meeting <weekday> <HH:MM>` two, and a third that starts
    with a digit is its length."""
    if following[:1] and following[0].lower() == "off":
        return 1
    return 3 if len(following) > 2 and following[2][:1].isdigit() else 2


def _meeting(*raw: str) -> MeetingChange:
    if len(raw) == 1:
        return MeetingChange(None)
    length = values.meeting_minutes(raw[2]) if len(raw) == 3 else DEFAULT_MINUTES
    return MeetingChange(Meeting(values.weekday(raw[0]), values.clock_time(raw[1]), length))


def _threshold(name: str, low: int, high: int = values.MAX_SCORE):
    return lambda raw: values.whole_number(raw, name, low, high)


SETUP_OPTIONS: dict[str, tuple[str, Any, Any]] = {  # word: (Setup field, how many words follow, their parser)
    "digest": ("digest", 2, _weekly),
    "checkin": ("checkin", 2, _weekly),
    "tz": ("timezone", 1, values.time_zone),
    "hours": ("hours", 1, values.hour_range),
    "days": ("workdays", 1, values.weekday_set),
    "ors-cutoff": ("ors_clinical_cutoff", 1, _threshold("ORS clinical cutoff (ors-cutoff)", 0)),
    "reliable-change": ("ors_reliable_change", 1, _threshold("ORS reliable change (reliable-change)", 1)),
    "srs-concern": ("srs_alliance_concern", 1, _threshold("SRS alliance concern (srs-concern)", 0)),
    "child-cutoff": ("child_cutoff", 1, _threshold("ORS clinical cutoff for children (child-cutoff)", 0)),
    "adolescent-cutoff": (
        "adolescent_cutoff",
        1,
        _threshold("ORS clinical cutoff for adolescents (adolescent-cutoff)", 0),
    ),
    "on-track-session": ("on_track_session", 1, _threshold("session for the on-track check (on-track-session)", 1, 99)),
    "on-track-weeks": ("on_track_weeks", 1, _threshold("weeks for the on-track check (on-track-weeks)", 1, 52)),
    "watch-session": ("watch_session", 1, _threshold("session for the early watch (watch-session)", 1, 99)),
    "srs-drop": ("srs_drop", 1, _threshold("SRS drop that flags the alliance (srs-drop)", 1)),
    "outcomes": ("outcomes_in_channel", 1, _outcomes_audience),
    "meeting": ("meeting", _meeting_word_count, _meeting),
    "supervision-feedback": ("feedback_named", 1, _feedback_audience),
}


SETUP_HINTS = {"meeting": " Write the weekday and time the group meets, like “meeting thu 10:00”, or “meeting off”."}


def _words_after(option: tuple[str, Any, Any], words: list[str]) -> int:
    """How many words the setup option `words` starts with takes."""
    count = option[1]
    return count(words[1:]) if callable(count) else count


def _setup(command: _Words) -> Setup:
    options: dict[str, Any] = {}
    words = command.words
    while words:
        option = SETUP_OPTIONS.get(words[0].lower())
        count = _words_after(option, words) if option else 0
        if option is None or len(words) <= count:
            raise command.fail(
                f"I don't understand “{' '.join(words)}” in setup.{SETUP_HINTS.get(words[0].lower(), '')}"
            )
        field_name, _, parse_value = option
        if field_name in options:
            raise command.fail(f"“{words[0]}” is given twice.")
        typed = " ".join(words[: 1 + count])
        options[field_name] = command.checked(parse_value, *words[1 : 1 + count], typed=typed)
        words = words[1 + count :]
    return Setup(**options)


def _objective(command: _Words) -> SetObjective | ObjectiveHistory:
    if not command.words:
        return SetObjective(None)
    if [word.lower() for word in command.words] == ["history"]:
        return ObjectiveHistory()
    return SetObjective(command.checked(lambda raw: values.bounded_text(raw, "objective"), command.text(command.words)))


def _advice(command: _Words) -> GiveAdvice | OpenAdviceForm:
    words = command.words
    if not words:
        return OpenAdviceForm()
    mention = USER_REFERENCE.fullmatch(words[0])
    if mention is None:
        raise command.fail(f"Start with the therapist the advice is for, as an @mention; “{words[0]}” is not one.")
    prose, options = _advice_options(command, words[1:])
    if not prose:
        raise command.fail("The advice text is missing.")
    advice_text = command.checked(lambda raw: values.bounded_text(raw, "advice"), command.text(prose))
    return GiveAdvice(therapist_id=mention.group(1), text=advice_text, **options)


ADVICE_OPTIONS = {  # word: (GiveAdvice field, its parser, how to write it)
    "client": ("client_code", values.client_code, line(Code("client C12"))),
    "ors": ("baseline_ors", lambda raw: values.score(raw, "baseline ORS"), line(Code("ors 18"))),
    "in": (
        "follow_up_days",
        lambda raw: values.duration_days(raw, "follow-up"),
        line(Code("in 10d"), " or ", Code("in 2 weeks")),
    ),
}
CLAUSE_END = ",.;!?"  # "try silence, in 2 weeks." ends the follow-up's value with a full stop
LOOKS_LIKE_A_DURATION = re.compile(rf"\d+[A-Za-z]*[{CLAUSE_END}]?", re.ASCII)  # "3d", "2", not "1:1" or "50%"


def _advice_options(command: _Words, words: list[str]) -> tuple[list[str], dict[str, Any]]:
    """The advice text and its options, which may stand anywhere in it.

    Advice is prose, and prose says "let the client lead" or "stay in the moment". So a word
    is an option when it has a colon (`client: C4`, `in:3d`), when it is `client` or `ors`
    before something with a digit, or `in` before something like "3d" or "3 days"; "track
    the ORS weekly" stays advice.
    Its value must then be valid: a bad one is refused, never kept as advice text.
    """
    words = _split_colons(words)
    prose: list[str] = []
    options: dict[str, Any] = {}
    index = 0
    while index < len(words):
        found = _option_at(words, index)
        if found is None:
            prose.append(words[index])
            index += 1
            continue
        keyword, value_count = found
        field_name, parse_value, form = ADVICE_OPTIONS[keyword]
        typed = " ".join(words[index : index + 1 + value_count])
        if field_name in options:
            raise command.fail(line(Code(keyword), " is given twice; give each option once."))
        if not value_count:
            raise command.fail(line(f"“{typed}” needs a value: write it like ", *form, "."))
        value = " ".join(words[index + 1 : index + 1 + value_count]).rstrip(CLAUSE_END)
        options[field_name] = command.checked(parse_value, value, typed=typed)
        index += 1 + value_count
    return prose, options


def _split_colons(words: list[str]) -> list[str]:
    """`client:C4` as `client: C4`."""
    split = []
    for word in words:
        keyword, colon, value = word.partition(":")
        split += [keyword + colon, value] if colon and value and keyword.lower() in ADVICE_OPTIONS else [word]
    return split


def _option_at(words: list[str], index: int) -> tuple[str, int] | None:
    """The option word at `index` and how many words of value follow it; None if it is prose."""
    word = words[index].lower()
    keyword = word.removesuffix(":")
    if keyword not in ADVICE_OPTIONS:
        return None
    following = words[index + 1 : index + 3]
    if keyword == "in" and _spelled_out_duration(following, words[index + 3 : index + 4]):
        return keyword, 2
    if not (word.endswith(":") or following and _could_be_the_value(keyword, following[0])):
        return None
    if keyword == "in" and len(following) == 2 and following[0].isdigit():
        return keyword, 2  # "in 3 days": the number, then its unit
    return keyword, len(following[:1])


UNITS_OF_TIME = {"day", "days", "week", "weeks", "fortnight", "fortnights", "month", "months", "year", "years"}


def _spelled_out_duration(following: list[str], after: list[str]) -> bool:
    """Whether `in` stands before a number in words and a unit of time ("in two weeks", "in a
    month", which is then refused). "A" and "an" count only at the end of a clause or before
    another option: "practise in a day hospital" stays advice."""
    if len(following) != 2:
        return False
    number, unit = following[0].lower(), following[1].lower()
    if number not in values.NUMBER_WORDS or unit.rstrip(CLAUSE_END) not in UNITS_OF_TIME:
        return False
    at_a_clause_end = unit[-1] in CLAUSE_END or not after or after[0].lower().removesuffix(":") in ADVICE_OPTIONS
    return number not in ("a", "an") or at_a_clause_end


def _could_be_the_value(keyword: str, word: str) -> bool:
    if keyword == "ors" and word.lower() in values.NUMBER_WORDS.keys() - {"a", "an"}:
        return True  # "ors eighteen", refused as not a number
    if keyword in ("client", "ors"):
        return any(character.isdigit() for character in word)
    return keyword == "in" and bool(LOOKS_LIKE_A_DURATION.fullmatch(word))


def _outcome(command: _Words) -> RecordOutcome:
    if len(command.words) < 3:
        raise command.fail(line(Code("outcome"), " takes a client code, ors or srs, and a score."))
    code, kind, raw_score, *extra = command.words
    kind = kind.lower()
    if kind not in ("ors", "srs"):
        raise command.fail(f"The measure must be ors or srs, not “{kind}”.")
    return RecordOutcome(
        client_code=command.checked(values.client_code, code),
        kind=kind,
        value=command.checked(lambda raw: values.score(raw, f"{kind.upper()} score"), raw_score),
        **_outcome_options(command, kind, extra),
    )


def _outcome_options(command: _Words, kind: str, words: list[str]) -> dict[str, Any]:
    """`session <N>` and `intake`, in either order, each at most once."""
    options: dict[str, Any] = {}
    while words:
        word = words[0].lower()
        if word in ("session", "intake") and word in options:
            raise command.fail(line(Code(word), " is given twice; give it once."))
        if word == "session":
            if len(words) < 2:
                raise command.fail(line("“session” needs the session's number, like ", Code("session 3"), "."))
            options["session"] = command.checked(_session_number, words[1], typed=f"session {words[1]}")
            words = words[2:]
        elif word == "intake":
            if kind != "ors":
                raise command.fail("Only an ORS marks the intake; the SRS rates a session's alliance.")
            options["intake"] = True
            words = words[1:]
        else:
            raise command.fail(
                line(
                    f"I don't understand “{' '.join(words)}” after the score: say ",
                    Code("session 3"),
                    " or ",
                    Code("intake"),
                    ".",
                )
            )
    return options


def _session_number(raw: str) -> int:
    return values.whole_number(raw, "session number", 1, values.MAX_SESSION)


CLIENT_CHANGES: dict[str, type[CloseClient] | type[ReopenClient]] = {"close": CloseClient, "reopen": ReopenClient}


def _client(command: _Words) -> ShowClient | SetClientBand | CloseClient | ReopenClient:
    if not command.words:
        raise command.fail(line(Code("client"), " takes a client code, like ", Code("client C12"), "."))
    code = command.checked(values.client_code, command.words[0])
    rest = command.words[1:]
    if not rest:
        return ShowClient(code)
    first = rest[0].lower()
    if first == "band" and len(rest) == 2:
        return SetClientBand(code, command.checked(values.band, rest[1], typed=" ".join(rest)))
    if first in CLIENT_CHANGES and len(rest) == 1:
        return CLIENT_CHANGES[first](code)
    mention = USER_REFERENCE.fullmatch(rest[0]) if len(rest) == 1 else None
    if mention is not None:
        return ShowClient(code, mention.group(1))
    raise command.fail(
        line(
            f"I don't understand “{command.text(rest)}” after the client code: say ",
            Code("band adult"),
            ", ",
            Code("close"),
            ", ",
            Code("reopen"),
            ", or nothing to see the client.",
        )
    )


def _caseload(command: _Words) -> ShowCaseload:
    if not command.words:
        return ShowCaseload()
    mention = USER_REFERENCE.fullmatch(command.words[0]) if len(command.words) == 1 else None
    if mention is None:
        raise command.fail("Name the therapist whose caseload you mean as an @mention, or nothing for your own.")
    return ShowCaseload(mention.group(1))


def _log(command: _Words) -> LogPractice | OpenLogForm:
    if not command.words:
        return OpenLogForm()
    if len(command.words) < 2:
        raise command.fail(line(Code("log"), " takes the minutes, then what you practised."))
    minutes = command.checked(
        lambda raw: values.whole_number(raw, "number of minutes", 1, values.MAX_PRACTICE_MINUTES), command.words[0]
    )
    activity = command.checked(lambda raw: values.bounded_text(raw, "activity"), command.text(command.words[1:]))
    return LogPractice(minutes, activity)


def _no_arguments(result):
    def parse_command(command: _Words):
        command.expect_none()
        return result

    return parse_command


def _digest(command: _Words) -> DigestRequest:
    if len(command.words) != 1 or command.words[0].lower() not in ("preview", "post"):
        raise command.fail(
            line("Say ", Code("digest preview"), " to see it privately or ", Code("digest post"), " to post it now.")
        )
    return DigestRequest(post=command.words[0].lower() == "post")


def _pause(command: _Words) -> Pause:
    if not 1 <= len(command.words) <= 2:
        raise command.fail(line("Say how long to pause, like ", Code("pause 10d"), " or ", Code("pause 2 weeks"), "."))
    return Pause(command.checked(lambda raw: values.duration_days(raw, "pause"), " ".join(command.words)))


def _holiday(command: _Words) -> AddHoliday:
    if len(command.words) != 1:
        raise command.fail("Give one day, like 2026-12-24, or a range, like 2026-12-24..2027-01-01.")
    return AddHoliday(*command.checked(values.date_range, command.words[0]))


def _client_clause(command: _Words, words: list[str]) -> tuple[str | None, list[str]]:
    """The client code where `client` stands before a word with a digit (or is written
    `client:`), as in advice, and the other words; "the client led" stays prose."""
    words = _split_colons(words)
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word.lower() == "client:" or (word.lower() == "client" and _could_be_the_value("client", following)):
            if not following:
                raise command.fail(line("“client:” needs a value: write it like ", Code("client C12"), "."))
            code = command.checked(values.client_code, following.rstrip(CLAUSE_END), typed=f"{word} {following}")
            return code, words[:index] + words[index + 2 :]
    return None, words


def _note(command: _Words) -> WriteNote:
    code, words = _client_clause(command, command.words)
    if not words:
        raise command.fail(
            line("Write what you learned after ", Code("note"), ", like ", Code("note pausing helps"), ".")
        )
    note_text = command.checked(lambda raw: values.bounded_text(raw, "note"), command.text(words))
    return WriteNote(note_text, code)


def _recording(command: _Words) -> ReviewRecording:
    mention = USER_REFERENCE.fullmatch(command.words[0]) if command.words else None
    if mention is None:
        raise command.fail("Start with the therapist whose recording you reviewed, as an @mention.")
    code, words = _client_clause(command, command.words[1:])
    note = command.checked(lambda raw: values.bounded_text(raw, "note"), command.text(words)) if words else None
    return ReviewRecording(mention.group(1), code, note)


def _prep(command: _Words) -> Prepare:
    if len(command.words) != 1:
        raise command.fail(line(Code("prep"), " takes one client code, like ", Code("prep C12"), "."))
    return Prepare(command.checked(values.client_code, command.words[0]))


NOTES_CHOICES: dict[str, NotesVisibility | PauseNotes] = {
    "channel": NotesVisibility(in_channel=True),
    "coach": NotesVisibility(in_channel=False),
    "pause": PauseNotes(paused=True),
    "resume": PauseNotes(paused=False),
}


def _notes(command: _Words) -> ListNotes | NotesVisibility | PauseNotes:
    words = [word.lower() for word in command.words]
    if not words:
        return ListNotes()
    if len(words) == 1 and words[0] in NOTES_CHOICES:
        return NOTES_CHOICES[words[0]]
    if len(words) == 2 and words[0] == "client":
        return ListNotes(command.checked(values.client_code, command.words[1]))
    raise command.fail(
        line(
            f"I don't understand “{command.text(command.words)}” after ",
            Code("notes"),
            ": say nothing to list them, ",
            Code("notes client C12"),
            ", ",
            Code("notes pause"),
            ", ",
            Code("notes resume"),
            ", ",
            Code("notes channel"),
            " or ",
            Code("notes coach"),
            ".",
        )
    )


def _coach(command: _Words) -> HandOverCoach:
    mention = USER_REFERENCE.fullmatch(command.words[0]) if len(command.words) == 1 else None
    if mention is None:
        raise command.fail("Name the new coach as an @mention.")
    return HandOverCoach(mention.group(1))


_PARSERS = {
    "setup": _setup,
    "join": _no_arguments(Join()),
    "leave": _no_arguments(Leave()),
    "objective": _objective,
    "advice": _advice,
    "recording": _recording,
    "outcome": _outcome,
    "client": _client,
    "caseload": _caseload,
    "log": _log,
    "status": _no_arguments(Status()),
    "home": _no_arguments(Home()),
    "digest": _digest,
    "pause": _pause,
    "resume": _no_arguments(Resume()),
    "holiday": _holiday,
    "note": _note,
    "prep": _prep,
    "notes": _notes,
    "coach": _coach,
    "forget": _no_arguments(Forget()),
    "export": _no_arguments(Export()),
}
