"""The spaced schedule of learning notes: steps, one a day, working hours, pause, archive,
time zones and DST."""

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from bot.calendar import WorkingHours
from bot.resurfacing import HELD_FOR, hold_back, next_step_due, step_due
from bot.scheduling.steps import Defer, Skip

DAYS = (2, 7, 21, 60)
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
HOURS = WorkingHours()
WRITTEN = datetime(2026, 6, 1, 9, 30, tzinfo=timezone.utc)  # Monday, 11:30 in Paris


def test_each_step_falls_its_days_after_writing_then_there_are_no_more():
    assert [step_due(WRITTEN, step, DAYS, PARIS) for step in range(5)] == [
        datetime(2026, 6, 3, 9, 30, tzinfo=timezone.utc),
        datetime(2026, 6, 8, 9, 30, tzinfo=timezone.utc),
        datetime(2026, 6, 22, 9, 30, tzinfo=timezone.utc),
        datetime(2026, 7, 31, 9, 30, tzinfo=timezone.utc),
        None,
    ]


def test_other_intervals_come_from_the_settings():
    assert step_due(WRITTEN, 0, (1, 3), PARIS) == datetime(2026, 6, 2, 9, 30, tzinfo=timezone.utc)
    assert step_due(WRITTEN, 2, (1, 3), PARIS) is None
    assert step_due(WRITTEN, 0, (), PARIS) is None


def test_a_step_keeps_the_local_time_across_the_change_to_summer_time():
    written = datetime(2026, 3, 6, 15, 0, tzinfo=timezone.utc)  # Friday 10:00 in New York, before DST
    # 8 March is the change: 10:00 local is then 14:00 UTC, not 15:00.
    assert step_due(written, 0, DAYS, NEW_YORK) == datetime(2026, 3, 8, 14, 0, tzinfo=timezone.utc)
    assert step_due(written, 0, DAYS, PARIS) == datetime(2026, 3, 8, 15, 0, tzinfo=timezone.utc)


def test_the_next_step_is_never_the_day_a_step_was_sent_in_the_authors_zone():
    late = datetime(2026, 6, 8, 21, 0, tzinfo=timezone.utc)  # the step-1 day, 23:00 in Paris
    due = next_step_due(WRITTEN, 1, DAYS, PARIS, late)
    assert due == datetime(2026, 6, 8, 22, 0, tzinfo=timezone.utc)  # midnight in Paris, the next day
    # In New York the same instant is still 17:00 on the 8th: also the next local day.
    assert next_step_due(WRITTEN, 1, DAYS, NEW_YORK, late) == datetime(2026, 6, 9, 4, 0, tzinfo=timezone.utc)
    assert next_step_due(WRITTEN, 4, DAYS, PARIS, late) is None


def _hold(now, where=PARIS, *, archived=False, paused=False, last_sent=None):
    return hold_back(now, where, HOURS, archived=archived, paused=paused, last_sent=last_sent)


def test_a_due_note_in_working_hours_with_none_sent_today_goes_now():
    assert _hold(datetime(2026, 6, 3, 9, 30, tzinfo=timezone.utc)) is None


def test_at_most_one_a_day_the_second_waits_for_the_next_working_morning():
    now = datetime(2026, 6, 3, 13, 0, tzinfo=timezone.utc)  # Wednesday 15:00 in Paris
    earlier = datetime(2026, 6, 3, 7, 30, tzinfo=timezone.utc)  # 09:30 the same day
    assert _hold(now, last_sent=earlier) == Defer(datetime(2026, 6, 4, 7, 0, tzinfo=timezone.utc))
    yesterday = datetime(2026, 6, 2, 15, 0, tzinfo=timezone.utc)
    assert _hold(now, last_sent=yesterday) is None


def test_one_a_day_is_counted_in_the_authors_own_day():
    # 03:30 UTC on Thursday is 23:30 on Wednesday in New York: the same local day as 14:00 UTC Wednesday.
    sent = datetime(2026, 6, 3, 14, 0, tzinfo=timezone.utc)
    now = datetime(2026, 6, 4, 3, 30, tzinfo=timezone.utc)
    assert _hold(now, NEW_YORK, last_sent=sent) == Defer(datetime(2026, 6, 4, 13, 0, tzinfo=timezone.utc))
    assert isinstance(_hold(now, PARIS, last_sent=sent), Defer)  # in Paris it is Thursday 05:30: waits for 09:00
    assert _hold(datetime(2026, 6, 4, 7, 0, tzinfo=timezone.utc), PARIS, last_sent=sent) is None


def test_outside_working_hours_it_waits_for_the_next_working_period():
    saturday = datetime(2026, 6, 6, 10, 0, tzinfo=timezone.utc)
    assert _hold(saturday) == Defer(datetime(2026, 6, 8, 7, 0, tzinfo=timezone.utc))  # Monday 09:00 in Paris
    holiday = WorkingHours(holidays=frozenset({date(2026, 6, 3)}))
    wednesday = datetime(2026, 6, 3, 9, 30, tzinfo=timezone.utc)
    held = hold_back(wednesday, PARIS, holiday, archived=False, paused=False, last_sent=None)
    assert held == Defer(datetime(2026, 6, 4, 7, 0, tzinfo=timezone.utc))
    late_hours = WorkingHours(start=time(12, 0), end=time(20, 0))
    held = hold_back(wednesday, PARIS, late_hours, archived=False, paused=False, last_sent=None)
    assert held == Defer(datetime(2026, 6, 3, 10, 0, tzinfo=timezone.utc))


def test_a_paused_note_is_held_for_resume_and_an_archived_one_is_never_sent():
    now = datetime(2026, 6, 3, 9, 30, tzinfo=timezone.utc)
    assert _hold(now, paused=True) == Defer(now + HELD_FOR, for_pause=True)
    assert _hold(now, archived=True, paused=True) == Skip("the note is archived")
    assert isinstance(_hold(now, archived=True), Skip)
