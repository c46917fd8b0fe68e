"""Record rules that need more than one record, or today's date, to decide.

Each returns a sentence fit to show beside the field (or None when the rule holds). Forms call
them for feedback as the counselor types; the ``Workspace`` use cases and ``tplan import``
enforce them, so a record written any way obeys the same rules.

They are not model validators on ``Patient`` on purpose: a file written before a rule existed
must still open (a signed note cannot be corrected), while every new write is checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

from tplan.domain.enums import DecisionOutcome
from tplan.domain.notes import ProgressNote, signing_problem
from tplan.domain.patient import Patient
from tplan.domain.plan import PlanReview
from tplan.domain.sessions import Session


def service_date_problem(patient: Patient, on: date, today: date) -> str | None:
    """A note's date of service: not in the future, not before the admission."""
    if on > today:
        return "a session in the future cannot have a note yet"
    if on < patient.admission_date:
        return f"is before the admission ({patient.admission_date:%d %b %Y})"
    return None


def wall_clock(moment: datetime) -> datetime:
    """``moment`` (stored in UTC) as the local wall-clock time that sessions are scheduled in."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo is not None else moment


def session_started(on: date, start: time, moment: datetime) -> bool:
    """Had the session of ``on`` at ``start`` (local) begun at ``moment``?"""
    return wall_clock(moment) >= datetime.combine(on, start)


def signing_time_problem(session: Session, signed_at: datetime) -> str | None:
    """A note of a session (a group note, a note linked to it) is signed once the session has
    begun: before its start a draft may be written ahead, but nothing that has not happened is
    attested."""
    if session_started(session.on, session.start, signed_at):
        return None
    when = f"{session.on:%a} {session.on.day} {session.on:%b} {session.start:%H:%M}"
    return f"the session has not begun ({when}): keep it a draft"


def last_use_problem(last_use: date | None, admitted: date | None) -> str | None:
    """The last use recorded at intake happened before the admission (or on its day)."""
    if last_use is not None and admitted is not None and last_use > admitted:
        return "is after the admission date"
    return None


def review_problem(review: PlanReview) -> str | None:
    """A plan review says what changed; an empty one would clear "review due" for nothing."""
    if not review.summary.strip():
        return "say what changed (progress, changes to the plan)"
    return None


def target_date_warning(target: date | None, today: date) -> str | None:
    """A target date already past is allowed (an old objective) but worth a second look."""
    if target is not None and target < today:
        return f"target date {target:%d %b %Y} is in the past"
    return None


def follow_up_problem(outcome: DecisionOutcome, on: date | None, today: date) -> str | None:
    """A deferred decision names when to look again, and that day is not already past."""
    if outcome is not DecisionOutcome.DEFER:
        return None
    if on is None:
        return "is required when you defer"
    if on < today:
        return "is in the past"
    return None


def note_problems(patient: Patient, note: ProgressNote, today: date) -> list[str]:
    """Every rule a note breaks, as sentences naming the field."""
    problems = []
    if problem := service_date_problem(patient, note.date_of_service, today):
        problems.append(f"date of service {problem}")
    if note.signed and (unwritten := signing_problem(note)):
        problems.append(f"signed with no {unwritten[0]} (every section of its format is written)")
    return problems


def record_problems(patient: Patient, today: date) -> list[str]:
    """Every rule a whole record breaks (for an import), named by record id, never content."""
    return list(_record_problems(patient, today))


def _record_problems(patient: Patient, today: date) -> Iterator[str]:
    if problem := last_use_problem(patient.last_use_at_intake, patient.admission_date):
        yield f"last use at intake {problem}"
    for note in patient.notes:
        for problem in note_problems(patient, note, today):
            yield f"note {note.id}: {problem}"
    for review in patient.reviews:
        if problem := review_problem(review):
            yield f"plan review {review.id}: {problem}"
