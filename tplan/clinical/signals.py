"""The engine's inputs computed as of a date D (CLINICAL.md section 5, "Definitions").

``compute_signals`` gathers every number the rules compare; ``Signals.as_json`` gives them as
JSON-safe values for ``Suggestion.signals``. Unknown stays ``None``: it is never good news.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from itertools import pairwise
from typing import Any

from tplan.clinical import records
from tplan.clinical.expected import ExpectedSession, Outcome, SessionBook
from tplan.clinical.policy import HoursRange, Policy
from tplan.clinical.records import Screen, UseEvent, in_window, window_start
from tplan.clinical.scoring import (
    BamSubscales,
    bam_subscales,
    craving_mean,
    gad7_band,
    gad7_total,
    phq9_band,
    phq9_item9,
    phq9_total,
)
from tplan.domain import (
    AgeGroup,
    Attendance,
    Bam,
    Gad7,
    LevelChange,
    NaloxoneCheck,
    ObjectiveStatus,
    Patient,
    Phq9,
    ProgressNote,
    RiskStatus,
    ScreenResultValue,
    SupportStatus,
)


@dataclass(frozen=True, slots=True)
class Rate:
    """Attendance over a window; excused sessions are shown but not counted.

    ``unrecorded`` names the expected sessions of the window (dated before D) whose attendance
    is not recorded: ``fraction`` is then the rate of the recorded ones only (what rules that
    fire on low attendance use), and ``complete`` is False (criteria that need the rate are
    unmet).
    """

    attended: int
    missed: int
    excused: int
    days: int
    unrecorded: tuple[str, ...] = ()

    @property
    def sessions(self) -> int:
        return self.attended + self.missed

    @property
    def fraction(self) -> Fraction | None:
        """Exact rate; None (unknown) with no attended or missed session."""
        return Fraction(self.attended, self.sessions) if self.sessions else None

    @property
    def complete(self) -> bool:
        return not self.unrecorded

    @property
    def percent_floor(self) -> int | None:
        return None if self.fraction is None else (self.fraction * 100).__floor__()

    def text(self) -> str:
        """E.g. ``89% over 30 days (25 of 28)`` or ``unknown over 30 days (no sessions)``, then
        ``; 2 sessions not recorded: Mon 23 Nov Evening group, ...`` when some are missing."""
        if self.fraction is None:
            known = "recorded" if self.unrecorded else ""
            text = f"unknown over {self.days} days (no sessions{' ' + known if known else ''})"
        else:
            text = (
                f"{self.percent_floor}% over {self.days} days ({self.attended} of {self.sessions})"
            )
        if self.unrecorded:
            count = len(self.unrecorded)
            text += (
                f"; {count} session{'s' if count != 1 else ''} not recorded: "
                + ", ".join(self.unrecorded)
            )
        return text


@dataclass(frozen=True, slots=True)
class WeekHours:
    """Hours delivered (minutes attended) in one Monday-Sunday week."""

    start: date
    minutes: int
    unrecorded: int

    @property
    def hours(self) -> float | None:
        """None (unknown) while a session of the week is not recorded."""
        return None if self.unrecorded else round(self.minutes / 60, 2)


@dataclass(frozen=True, slots=True)
class Score:
    on: date
    total: int
    band: str
    item9: int | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"on": self.on.isoformat(), "total": self.total, "band": self.band}
        if self.item9 is not None:
            data["item9"] = self.item9
        return data


@dataclass(frozen=True, slots=True)
class BamScore:
    on: date
    subscales: BamSubscales


@dataclass(frozen=True, slots=True)
class SafetyFlag:
    rule: str
    message: str
    on: date
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Signals:
    as_of: date
    admission_date: date
    discharged_on: date | None
    age_group: AgeGroup
    recent_days: int
    sustained_days: int
    # level and schedule
    level: LevelChange | None
    level_start: date | None
    days_at_level: int | None
    hours_range: HoursRange | None
    accepted_intensification: LevelChange | None
    # plan
    objectives_active: int
    objectives_achieved: int
    relapse_plan_on: date | None
    sober_supports: tuple[str, ...]
    # use and screens
    use_events: tuple[UseEvent, ...]
    recent_use_events: tuple[UseEvent, ...]
    last_use: date | None
    """The last use event, else the last use recorded at intake; None when neither is known."""
    days_since_use: int | None
    use_after_abstinence: tuple[tuple[UseEvent, int], ...]
    screens: tuple[Screen, ...]
    consecutive_negative_screens: int
    # sessions
    attendance_recent: Rate
    attendance_sustained: Rate
    craving_recent: Fraction | None
    craving_ratings_recent: int
    signed_notes_recent: int
    old_drafts: tuple[date, ...]
    # instruments
    phq9_latest: Score | None
    phq9_previous: Score | None
    gad7_latest: Score | None
    bam_latest: BamScore | None
    baseline_phq9: bool
    # safety and reviews
    safety_flags: tuple[SafetyFlag, ...]
    last_signed_review: date | None
    review_due: date
    review_status: str
    """``overdue``, ``due_soon`` (within the policy's alert days) or ``ok``."""
    naloxone: NaloxoneCheck | None
    # scheduled sessions (CLINICAL.md section 8); "notes" when the patient has no schedule
    attendance_source: str = "notes"
    hours_weeks: tuple[WeekHours, ...] = ()
    """The last complete weeks in care, oldest first (sessions source only)."""
    overdue_unrecorded: tuple[str, ...] = ()
    """Expected sessions of the sustained window not recorded after the policy's days."""

    # --- derived -----------------------------------------------------------------------

    @property
    def hours_per_week(self) -> float | None:
        return None if self.level is None else self.level.hours_per_week

    @property
    def at_max_hours(self) -> bool | None:
        """Scheduled hours at or above the level's maximum; None when there is no range."""
        if self.level is None or self.hours_range is None:
            return None
        return self.level.hours_per_week >= self.hours_range.max

    @property
    def latest_screen(self) -> Screen | None:
        return self.screens[-1] if self.screens else None

    def in_sustained(self, on: date) -> bool:
        return in_window(on, self.as_of, self.sustained_days)

    def in_recent(self, on: date) -> bool:
        return in_window(on, self.as_of, self.recent_days)

    @property
    def days_to_review(self) -> int:
        """Days until the review is due; negative when overdue."""
        return (self.review_due - self.as_of).days

    def as_json(self) -> dict[str, Any]:
        """The computed inputs as JSON-safe values, kept on the suggestion and decisions."""
        level = self.level
        latest = self.latest_screen
        return {
            "as_of": self.as_of.isoformat(),
            "age_group": self.age_group.value,
            "level": None if level is None else level.level.value,
            "edition": None if level is None else level.edition.value,
            "days_per_week": None if level is None else level.days_per_week,
            "hours_per_week": None if level is None else level.hours_per_week,
            "hours_range": None
            if self.hours_range is None
            else [self.hours_range.min, self.hours_range.max],
            "level_start": _iso(self.level_start),
            "days_at_level": self.days_at_level,
            "objectives_achieved": self.objectives_achieved,
            "objectives_active": self.objectives_active,
            "use_events_recent": len(self.recent_use_events),
            "use_events": [event.describe() for event in self.use_events[-10:]],
            "last_use": _iso(self.last_use),
            "days_since_use": self.days_since_use,
            "screens": len(self.screens),
            "latest_screen": None
            if latest is None
            else {"on": latest.on.isoformat(), "status": latest.status},
            "consecutive_negative_screens": self.consecutive_negative_screens,
            "attendance_recent": _rate_json(self.attendance_recent),
            "attendance_recent_percent": self.attendance_recent.percent_floor,
            "attendance_sustained": _rate_json(self.attendance_sustained),
            "attendance_sustained_percent": self.attendance_sustained.percent_floor,
            "craving_mean_recent": None
            if self.craving_recent is None
            else round(float(self.craving_recent), 1),
            "craving_ratings_recent": self.craving_ratings_recent,
            "phq9_latest": None if self.phq9_latest is None else self.phq9_latest.as_json(),
            "phq9_previous": None if self.phq9_previous is None else self.phq9_previous.as_json(),
            "gad7_latest": None if self.gad7_latest is None else self.gad7_latest.as_json(),
            "bam_latest": None
            if self.bam_latest is None
            else {"on": self.bam_latest.on.isoformat(), **self.bam_latest.subscales.as_dict()},
            "safety_flags": [flag.message for flag in self.safety_flags],
            "relapse_plan": _iso(self.relapse_plan_on),
            "sober_supports": len(self.sober_supports),
            "signed_notes_recent": self.signed_notes_recent,
            "last_signed_review": _iso(self.last_signed_review),
            "review_due": self.review_due.isoformat(),
            "days_to_review": self.days_to_review,
            "review_status": self.review_status,
            "at_max_hours": self.at_max_hours,
            "naloxone_on_hand": None if self.naloxone is None else self.naloxone.on_hand,
            "attendance_source": self.attendance_source,
            "sessions_not_recorded": list(self.attendance_sustained.unrecorded),
            "hours_delivered_weeks": [
                {"week_of": week.start.isoformat(), "hours": week.hours}
                for week in self.hours_weeks
            ],
        }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _rate_json(rate: Rate) -> str | None:
    return None if rate.fraction is None else f"{rate.attended}/{rate.sessions}"


# --- pieces --------------------------------------------------------------------------------


def level_run(patient: Patient, as_of: date) -> tuple[LevelChange | None, date | None]:
    """The level entry in force on D and the start of the unbroken run at that level.

    A schedule change within the same level is a new entry but not a new level.
    """
    entries = [e for e in patient.level_history if e.start <= as_of]
    if not entries:
        return None, None
    current = entries[-1]
    start = current.start
    for entry in reversed(entries):
        if entry.level != current.level:
            break
        start = entry.start
    return current, start


def accepted_intensification(
    patient: Patient, as_of: date, level_start: date | None, sustained_days: int
) -> LevelChange | None:
    """An increase of scheduled hours within the level, effective in the sustained window."""
    if level_start is None:
        return None
    run = [e for e in patient.level_history if level_start <= e.start <= as_of]
    found = None
    for before, after in pairwise(run):
        if after.hours_per_week > before.hours_per_week and in_window(
            after.start, as_of, sustained_days
        ):
            found = after
    return found


def last_signed_review(patient: Patient, as_of: date) -> date | None:
    dates = [r.on for r in patient.reviews if r.signed and r.on <= as_of]
    return max(dates, default=None)


def review_due_date(patient: Patient, as_of: date, policy: Policy) -> date:
    """Last signed plan review (else admission) + the cadence of the level in force on D."""
    level, _ = level_run(patient, as_of)
    code = (level or patient.level_history[0]).level
    base = last_signed_review(patient, as_of) or patient.admission_date
    return base + timedelta(days=policy.review_cadence_days[code])


def attendance(notes: list[ProgressNote], as_of: date, days: int) -> Rate:
    counts = dict.fromkeys(Attendance, 0)
    for note in notes:
        if in_window(note.date_of_service, as_of, days):
            counts[note.attendance] += 1
    return Rate(
        attended=counts[Attendance.ATTENDED],
        missed=counts[Attendance.MISSED],
        excused=counts[Attendance.EXCUSED],
        days=days,
    )


def session_attendance(expected: Iterable[ExpectedSession], as_of: date, days: int) -> Rate:
    """Attendance over the expected sessions of the window. A session dated D counts only once
    recorded (a group later today never blocks today's suggestion)."""
    counts = dict.fromkeys(Outcome, 0)
    unrecorded: list[str] = []
    for entry in expected:
        if not in_window(entry.on, as_of, days):
            continue
        outcome = entry.outcome
        if outcome is Outcome.UNRECORDED:
            if entry.on < as_of:
                unrecorded.append(entry.describe())
            continue
        counts[outcome] += 1
    return Rate(
        attended=counts[Outcome.ATTENDED],
        missed=counts[Outcome.MISSED],
        excused=counts[Outcome.EXCUSED],
        days=days,
        unrecorded=tuple(unrecorded),
    )


def hours_delivered(
    expected: Iterable[ExpectedSession], as_of: date, admitted: date, weeks: int
) -> tuple[WeekHours, ...]:
    """Minutes attended in each of the last ``weeks`` complete Monday-Sunday weeks before D
    that the patient spent wholly in care, oldest first."""
    this_monday = as_of - timedelta(days=as_of.weekday())
    starts = [this_monday - timedelta(weeks=n) for n in range(weeks, 0, -1)]
    starts = [start for start in starts if start >= admitted]
    totals = {start: [0, 0] for start in starts}
    for entry in expected:
        week = entry.on - timedelta(days=entry.on.weekday())
        if week not in totals:
            continue
        if entry.outcome is Outcome.UNRECORDED:
            totals[week][1] += 1
        else:
            totals[week][0] += entry.minutes_attended
    return tuple(WeekHours(start, *totals[start]) for start in starts)


def _phq9_score(dated: records.Dated[Phq9]) -> Score:
    total = phq9_total(dated.measure)
    return Score(dated.on, total, phq9_band(total), phq9_item9(dated.measure))


def safety_flags(
    patient: Patient,
    as_of: date,
    policy: Policy,
    phq9_latest: Score | None,
    reviewed_on: date | None,
) -> list[SafetyFlag]:
    """Flags that stand until superseded: a later PHQ-9 with item 9 = 0, the risk lowered or
    closed, a plan review signed after the event."""
    flags: list[SafetyFlag] = []
    if phq9_latest is not None and phq9_latest.item9:
        flags.append(
            SafetyFlag(
                "safety.phq9_item9",
                f"PHQ-9 item 9 = {phq9_latest.item9} on {phq9_latest.on.isoformat()} "
                "(thoughts of self-harm)",
                phq9_latest.on,
                {"item9": phq9_latest.item9, "on": phq9_latest.on.isoformat()},
            )
        )
    for risk in patient.risks:
        status = risk.status_on(as_of)
        severity = risk.severity_on(as_of)
        if status in (RiskStatus.ACTIVE, RiskStatus.MONITORING) and (
            severity is not None and severity >= policy.safety.risk_severity
        ):
            changes = [c.on for c in (*risk.history, *risk.severity_history) if c.on <= as_of]
            since = max(changes, default=as_of)
            flags.append(
                SafetyFlag(
                    "safety.risk_severity",
                    f"{status.value} {risk.kind.value.replace('_', ' ')} risk "
                    f"at severity {severity} of 4",
                    since,
                    {"kind": risk.kind.value, "severity": severity, "status": status.value},
                )
            )
    counted_from = reviewed_on or patient.admission_date
    for event in sorted(patient.risk_events, key=lambda e: e.on):
        if event.kind.value in policy.safety.risk_event_kinds and counted_from <= event.on <= as_of:
            flags.append(
                SafetyFlag(
                    f"safety.{event.kind.value}_event",
                    f"{event.kind.value.replace('_', ' ')} event on {event.on.isoformat()}, "
                    "no plan review signed since",
                    event.on,
                    {"kind": event.kind.value, "on": event.on.isoformat()},
                )
            )
    return flags


def safety_messages(patient: Patient, as_of: date, policy: Policy) -> list[str]:
    """Why the patient is a safety case on D, computed cheaply for the Today worklist: the
    safety flags (PHQ-9 item 9, an imminent risk, an overdose event) and the overdose-risk alert
    (use after a long time without use), without the rest of the signals."""
    phq9s = records.measures(patient, as_of, Phq9)
    latest = _phq9_score(phq9s[-1]) if phq9s else None
    reviewed_on = last_signed_review(patient, as_of)
    messages = [f.message for f in safety_flags(patient, as_of, policy, latest, reviewed_on)]
    recent_from = records.window_start(as_of, policy.windows.recent_days)
    if any(
        (note.use is not None and note.use.used)
        or (
            note.screen is not None
            and any(r.result is ScreenResultValue.POSITIVE and not r.expected
                    for r in note.screen.results)
        )
        for note in patient.notes
        if recent_from <= note.date_of_service <= as_of and note.signed
    ):
        events = records.use_events(patient, as_of, policy)
        messages += [
            f"use on {event.on.isoformat()} after {gap} days without use: overdose risk"
            for event, gap in _use_after_abstinence(patient, events, as_of, policy)
        ]
    return messages


def _use_after_abstinence(
    patient: Patient, events: list[UseEvent], as_of: date, policy: Policy
) -> list[tuple[UseEvent, int]]:
    """Use events in the recent window that ended >= N days without use (tolerance lost)."""
    found: list[tuple[UseEvent, int]] = []
    previous: date | None = patient.last_use_at_intake
    for event in events:
        reference = previous if previous is not None else patient.admission_date
        gap = (event.on - reference).days
        if (
            in_window(event.on, as_of, policy.windows.recent_days)
            and gap >= policy.alerts.overdose_risk_after_days_without_use
        ):
            found.append((event, gap))
        previous = event.on
    return found


# --- the whole ---------------------------------------------------------------------------


def compute_signals(
    patient: Patient, as_of: date, policy: Policy, book: SessionBook | None = None
) -> Signals:
    """Every input of the rules, computed from records dated on or before ``as_of``.

    With a ``book`` in which the patient is scheduled, attendance comes from the expected
    sessions (CLINICAL.md section 8); otherwise from the notes' attendance field.
    """
    recent, sustained = policy.windows.recent_days, policy.windows.sustained_days
    notes = records.signed_notes(patient, as_of)
    age_group = patient.age_group_on(as_of)

    level, level_start = level_run(patient, as_of)
    hours_range = None if level is None else policy.hours_range(level.level, age_group)

    active = achieved = 0
    for objective in patient.objectives():
        status = objective.status_on(as_of)
        if status is None or status is ObjectiveStatus.CANCELLED:
            continue
        active += 1
        achieved += status is ObjectiveStatus.ACHIEVED

    events = records.use_events(patient, as_of, policy)
    last_use = events[-1].on if events else None
    if last_use is None and patient.last_use_at_intake and patient.last_use_at_intake <= as_of:
        last_use = patient.last_use_at_intake
    since_reference = last_use or patient.admission_date
    days_since_use = (as_of - since_reference).days if since_reference <= as_of else None

    found_screens = records.screens(patient, as_of, policy)
    cravings = records.craving_by_date(
        n for n in notes if in_window(n.date_of_service, as_of, recent)
    )

    phq9s = records.measures(patient, as_of, Phq9)
    phq9_latest = _phq9_score(phq9s[-1]) if phq9s else None
    phq9_previous = _phq9_score(phq9s[-2]) if len(phq9s) > 1 else None
    gad7s = records.measures(patient, as_of, Gad7)
    gad7_latest = None
    if gad7s:
        total = gad7_total(gad7s[-1].measure)
        gad7_latest = Score(gad7s[-1].on, total, gad7_band(total))
    bams = records.measures(patient, as_of, Bam)
    bam_latest = BamScore(bams[-1].on, bam_subscales(bams[-1].measure)) if bams else None
    baseline_from = patient.admission_date - timedelta(days=policy.alerts.baseline_phq9_within_days)
    baseline_to = patient.admission_date + timedelta(days=policy.alerts.baseline_phq9_within_days)

    reviewed_on = last_signed_review(patient, as_of)
    relapse = patient.relapse_prevention
    supports = tuple(
        person.role.value.replace("_", " ")
        for person in patient.supports
        if person.sober_support and person.status_on(as_of) is SupportStatus.ACTIVE
    )
    naloxone = max(
        (c for c in patient.naloxone_checks if c.checked_on <= as_of),
        key=lambda c: c.checked_on,
        default=None,
    )
    drafts = sorted(
        n.date_of_service
        for n in patient.notes
        if not n.signed
        and n.date_of_service <= as_of
        and (as_of - n.date_of_service).days > policy.alerts.draft_older_than_days
    )
    discharge = patient.discharge
    due = review_due_date(patient, as_of, policy)
    rules = policy.alerts
    scheduled: dict[str, Any] = {
        "attendance_recent": attendance(notes, as_of, recent),
        "attendance_sustained": attendance(notes, as_of, sustained),
    }
    if book is not None and book.has_schedule(patient):
        weeks = rules.hours_below_minimum_weeks
        weeks_back = as_of - timedelta(days=as_of.weekday() + 7 * weeks)
        first = min(window_start(as_of, sustained), weeks_back)
        expected = book.expected(patient, first, as_of)
        late = as_of - timedelta(days=rules.attendance_unrecorded_after_days)
        scheduled = {
            "attendance_recent": session_attendance(expected, as_of, recent),
            "attendance_sustained": session_attendance(expected, as_of, sustained),
            "attendance_source": "sessions",
            "hours_weeks": hours_delivered(expected, as_of, patient.admission_date, weeks),
            "overdue_unrecorded": tuple(
                e.describe()
                for e in expected
                if e.outcome is Outcome.UNRECORDED and in_window(e.on, as_of, sustained)
                and e.on < late
            ),
        }

    return Signals(
        as_of=as_of,
        admission_date=patient.admission_date,
        discharged_on=discharge.on if discharge and discharge.on <= as_of else None,
        age_group=age_group,
        recent_days=recent,
        sustained_days=sustained,
        level=level,
        level_start=level_start,
        days_at_level=None if level_start is None else (as_of - level_start).days,
        hours_range=hours_range,
        accepted_intensification=accepted_intensification(patient, as_of, level_start, sustained),
        objectives_active=active,
        objectives_achieved=achieved,
        relapse_plan_on=relapse.written_on if relapse and relapse.written_on <= as_of else None,
        sober_supports=supports,
        use_events=tuple(events),
        recent_use_events=tuple(e for e in events if in_window(e.on, as_of, recent)),
        last_use=last_use,
        days_since_use=days_since_use,
        use_after_abstinence=tuple(_use_after_abstinence(patient, events, as_of, policy)),
        screens=tuple(found_screens),
        consecutive_negative_screens=records.consecutive_negatives(found_screens),
        craving_recent=craving_mean(cravings.values()),
        craving_ratings_recent=len(cravings),
        signed_notes_recent=sum(in_window(n.date_of_service, as_of, recent) for n in notes),
        old_drafts=tuple(drafts),
        phq9_latest=phq9_latest,
        phq9_previous=phq9_previous,
        gad7_latest=gad7_latest,
        bam_latest=bam_latest,
        baseline_phq9=any(baseline_from <= d.on <= baseline_to for d in phq9s),
        safety_flags=tuple(safety_flags(patient, as_of, policy, phq9_latest, reviewed_on)),
        last_signed_review=reviewed_on,
        review_due=due,
        review_status=(
            "overdue"
            if due < as_of
            else "due_soon"
            if (due - as_of).days <= policy.alerts.review_due_within_days
            else "ok"
        ),
        naloxone=naloxone,
        **scheduled,
    )


def attendance_rate(
    patient: Patient, as_of: date, days: int, book: SessionBook | None = None
) -> Rate:
    """Attendance over the ``days`` ending on ``as_of``, counted as the rules count it: the
    expected sessions when the patient is scheduled in ``book``, else the signed notes."""
    if book is not None and book.has_schedule(patient):
        expected = book.expected(patient, window_start(as_of, days), as_of)
        return session_attendance(expected, as_of, days)
    return attendance(records.signed_notes(patient, as_of), as_of, days)
