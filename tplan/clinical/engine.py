"""The suggestion engine: CLINICAL.md section 5 rules over the signals as of a date D.

Pure and deterministic: the same patient, date and policy give the same suggestion. Rules are
evaluated in order (safety review, step up, intensify, step down, taper, continue); the first
kind that applies is the suggestion, and every rule that fired is listed with its data.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from tplan.clinical.expected import SessionBook
from tplan.clinical.levels import level_name
from tplan.clinical.policy import DEFAULT_POLICY, Policy, StepDownRules, TaperRules
from tplan.clinical.signals import Rate, Signals, compute_signals, review_due_date
from tplan.domain import (
    Alert,
    AsamEdition,
    Criterion,
    LevelCode,
    Patient,
    RuleHit,
    Suggestion,
    SuggestionKind,
    TargetSchedule,
)

_ORDER = list(SuggestionKind)


def review_due(patient: Patient, as_of: date, policy: Policy = DEFAULT_POLICY) -> date:
    """Last signed plan review (else admission) + the cadence of the level in force on D."""
    return review_due_date(patient, as_of, policy)


def _pct(value: float) -> Fraction:
    """A policy percentage as an exact fraction (90 -> 9/10), so 26/29 fails >= 90%."""
    return Fraction(str(value)) / 100


def _num(value: float | Fraction) -> str:
    return f"{float(value):.1f}".removesuffix(".0")


def _events_text(signals: Signals) -> str:
    return "; ".join(event.describe() for event in signals.recent_use_events)


def _hours(value: float | None) -> str:
    return "?" if value is None else f"{value:g} h"


# --- rules that fire ---------------------------------------------------------------------


def _safety_hits(signals: Signals) -> list[RuleHit]:
    return [
        RuleHit(
            rule=flag.rule, kind=SuggestionKind.SAFETY_REVIEW, message=flag.message, data=flag.data
        )
        for flag in signals.safety_flags
    ]


def _step_up_hits(signals: Signals, policy: Policy) -> list[RuleHit]:
    hits: list[RuleHit] = []
    recent = signals.recent_use_events
    days = signals.recent_days
    kind = SuggestionKind.STEP_UP
    events = [event.on.isoformat() for event in recent]
    if len(recent) >= policy.step_up.use_events:
        hits.append(
            RuleHit(
                rule="step_up.use_events",
                kind=kind,
                message=f"{len(recent)} use events in last {days} days: {_events_text(signals)}",
                data={"count": len(recent), "events": events, "needs": policy.step_up.use_events},
            )
        )
    if recent and signals.at_max_hours and signals.level and signals.hours_range:
        hits.append(
            RuleHit(
                rule="step_up.use_at_max",
                kind=kind,
                message=(
                    f"use in last {days} days while at the level's maximum "
                    f"({_hours(signals.level.hours_per_week)} a week, max "
                    f"{_hours(signals.hours_range.max)}): {_events_text(signals)}"
                ),
                data={"events": events, "hours_per_week": signals.level.hours_per_week},
            )
        )
    raised = signals.accepted_intensification
    after = [event for event in recent if raised is not None and event.on >= raised.start]
    if raised is not None and after:
        hits.append(
            RuleHit(
                rule="step_up.use_after_intensification",
                kind=kind,
                message=(
                    f"use after the schedule was intensified on {raised.start.isoformat()} "
                    f"(now {_hours(raised.hours_per_week)} a week): "
                    + "; ".join(event.describe() for event in after)
                ),
                data={"intensified_on": raised.start.isoformat(), "events": events},
            )
        )
    rate = signals.attendance_recent
    if _below(rate, policy.step_up.attendance_below_percent):
        hits.append(
            _attendance_hit(
                "step_up.attendance", kind, rate, policy.step_up.attendance_below_percent
            )
        )
    return hits


def _below(rate: Rate, percent: float) -> bool:
    """True only on known data: an unknown rate never fires a rule."""
    return rate.fraction is not None and rate.fraction < _pct(percent)


def _attendance_hit(rule: str, kind: SuggestionKind, rate: Rate, limit: float) -> RuleHit:
    return RuleHit(
        rule=rule,
        kind=kind,
        message=f"attendance {rate.text()}, below {_num(limit)}%",
        data={"attended": rate.attended, "sessions": rate.sessions, "percent": rate.percent_floor},
    )


def evidence_since(signals: Signals) -> date | None:
    """The first date whose evidence may suggest intensifying again, or None when all may.

    After an accepted intensification (an increase of hours within the level, which counts for
    the step-up rules while it falls in the sustained window, CLINICAL.md section 5), the
    evidence it answered must not suggest another one: only evidence dated on or after the
    change counts, for as long as the change is in that window.
    """
    raised = signals.accepted_intensification
    return None if raised is None else raised.start


def _window_after(signals: Signals, since: date | None) -> bool:
    """True when the whole recent window lies on or after ``since``."""
    return since is None or (signals.as_of - since).days >= signals.recent_days - 1


def _intensify_hits(signals: Signals, policy: Policy, since: date | None) -> list[RuleHit]:
    """The intensify rules over the evidence dated on or after ``since`` (all when None)."""
    rules = policy.intensify
    kind = SuggestionKind.INTENSIFY
    hits: list[RuleHit] = []
    windows_count = _window_after(signals, since)

    def new(on: date) -> bool:
        return since is None or on >= since

    def hit(rule: str, message: str, data: dict[str, Any]) -> None:
        hits.append(RuleHit(rule=rule, kind=kind, message=message, data=data))

    recent = [event for event in signals.recent_use_events if new(event.on)]
    if len(recent) >= rules.use_events:
        hit(
            "intensify.use_event",
            f"{len(recent)} use event{'s' if len(recent) > 1 else ''} in last "
            f"{signals.recent_days} days: " + "; ".join(event.describe() for event in recent),
            {"count": len(recent), "events": [e.on.isoformat() for e in recent]},
        )
    if windows_count and _below(signals.attendance_recent, rules.attendance_below_percent):
        rate = signals.attendance_recent
        limit = rules.attendance_below_percent
        hits.append(_attendance_hit("intensify.attendance", kind, rate, limit))
    craving = signals.craving_recent if windows_count else None
    if craving is not None and craving >= Fraction(str(rules.craving_mean_at_least)):
        hit(
            "intensify.craving",
            f"craving mean {_num(craving)} over {signals.recent_days} days "
            f"({signals.craving_ratings_recent} ratings), "
            f">= {_num(rules.craving_mean_at_least)}",
            {"mean": round(float(craving), 2), "ratings": signals.craving_ratings_recent},
        )
    latest, previous = signals.phq9_latest, signals.phq9_previous
    if latest is not None and signals.in_sustained(latest.on) and new(latest.on):
        if latest.total >= rules.phq9_total_at_least:
            hit(
                "intensify.phq9_high",
                f"PHQ-9 {latest.total} ({latest.band}) on {latest.on.isoformat()}, "
                f">= {rules.phq9_total_at_least}",
                latest.as_json(),
            )
        if (
            previous is not None
            and signals.in_sustained(previous.on)
            and latest.total - previous.total >= rules.phq9_rise_at_least
        ):
            hit(
                "intensify.phq9_rise",
                f"PHQ-9 up {latest.total - previous.total} points: {previous.total} on "
                f"{previous.on.isoformat()} -> {latest.total} on {latest.on.isoformat()}",
                {"previous": previous.as_json(), "latest": latest.as_json()},
            )
    bam = signals.bam_latest
    if bam is not None and signals.in_sustained(bam.on) and new(bam.on):
        scales, on = bam.subscales, bam.on.isoformat()
        if scales.use >= rules.bam_use_at_least:
            hit(
                "intensify.bam_use",
                f"BAM Use {scales.use} on {on}, >= {rules.bam_use_at_least}",
                {"on": on, **scales.as_dict()},
            )
        if scales.risk >= rules.bam_risk_at_least:
            hit(
                "intensify.bam_risk",
                f"BAM Risk {scales.risk} on {on}, >= {rules.bam_risk_at_least}",
                {"on": on, **scales.as_dict()},
            )
    return hits


# --- criteria (step down and taper) ---------------------------------------------------------


def _criterion(name: str, met: bool, message: str, **data: Any) -> Criterion:
    return Criterion(criterion=name, met=met, message=message, data=data)


def _objectives(signals: Signals, percent: float) -> Criterion:
    active, achieved = signals.objectives_active, signals.objectives_achieved
    needs = "all" if percent >= 100 else f">= {_num(percent)}%"
    if active == 0:
        return _criterion(
            "objectives",
            False,
            f"no active objectives in the plan (needs {needs} of them achieved)",
            active=0,
            achieved=0,
        )
    met = Fraction(achieved, active) >= _pct(percent)
    if met and achieved == active:
        message = f"all {active} active objectives achieved"
    else:
        message = f"{achieved} of {active} active objectives achieved, needs {needs}"
    return _criterion("objectives", met, message, active=active, achieved=achieved)


def _days_since_use(signals: Signals, needed: int) -> Criterion:
    days = signals.days_since_use
    if days is None:
        return _criterion("days_since_use", False, "days since last use unknown", needs=needed)
    basis = "" if signals.use_events else " (no use event recorded; counted from "
    if basis:
        basis += "intake last use)" if signals.last_use else "admission)"
    return _criterion(
        "days_since_use",
        days >= needed,
        f"no use for {days} days{basis}, needs >= {needed}",
        days=days,
        needs=needed,
    )


def _screens_run(signals: Signals, needed: int, within_days: int) -> Criterion:
    latest = signals.latest_screen
    run = signals.consecutive_negative_screens
    fresh = latest is not None and (signals.as_of - latest.on).days < within_days
    if latest is None:
        return _criterion(
            "negative_screens", False, f"no drug screen recorded, needs {needed} negative in a row"
        )
    met = run >= needed and fresh
    message = (
        f"{run} consecutive negative screen{'s' if run != 1 else ''}, latest "
        f"{latest.on.isoformat()} ({latest.status}); needs >= {needed}, "
        f"the latest within {within_days} days"
    )
    return _criterion(
        "negative_screens",
        met,
        message,
        consecutive=run,
        latest=latest.on.isoformat(),
        needs=needed,
    )


def _attendance(signals: Signals, percent: float) -> Criterion:
    rate = signals.attendance_sustained
    met = rate.complete and rate.fraction is not None and rate.fraction >= _pct(percent)
    return _criterion(
        "attendance",
        met,
        f"attendance {rate.text()}, needs >= {_num(percent)}%",
        attended=rate.attended,
        sessions=rate.sessions,
        percent=rate.percent_floor,
        not_recorded=list(rate.unrecorded),
    )


def _craving(signals: Signals, at_most: float) -> Criterion:
    mean = signals.craving_recent
    days = signals.recent_days
    if mean is None:
        return _criterion(
            "craving",
            False,
            f"no craving rating in the last {days} days (needs a mean <= {_num(at_most)})",
        )
    return _criterion(
        "craving",
        mean <= Fraction(str(at_most)),
        f"craving mean {_num(mean)} over {days} days ({signals.craving_ratings_recent} ratings), "
        f"needs <= {_num(at_most)}",
        mean=round(float(mean), 2),
    )


def _days_at_level(signals: Signals, needed: int) -> Criterion:
    days = signals.days_at_level
    if days is None or signals.level is None:
        return _criterion("days_at_level", False, "no level of care in force")
    return _criterion(
        "days_at_level",
        days >= needed,
        f"{days} days at {signals.level.level.value}, needs >= {needed}",
        days=days,
        needs=needed,
    )


def _no_safety_flag(signals: Signals) -> Criterion:
    flags = signals.safety_flags
    if not flags:
        return _criterion("no_safety_flag", True, "no safety flag")
    return _criterion(
        "no_safety_flag", False, "safety flag: " + "; ".join(flag.message for flag in flags)
    )


def step_down_criteria(signals: Signals, policy: Policy) -> list[Criterion]:
    rules = policy.step_down
    sustained = signals.sustained_days
    plan = signals.relapse_plan_on
    supports = signals.sober_supports
    phq = signals.phq9_latest
    phq_known = phq is not None and signals.in_sustained(phq.on)
    if phq is not None and phq_known:
        phq_criterion = _criterion(
            "phq9",
            phq.total < rules.phq9_total_below,
            f"PHQ-9 {phq.total} ({phq.band}) on {phq.on.isoformat()}, "
            f"needs < {rules.phq9_total_below}",
            total=phq.total,
        )
    else:
        phq_criterion = _criterion(
            "phq9",
            False,
            f"no PHQ-9 in the last {sustained} days (needs one with total "
            f"< {rules.phq9_total_below})",
        )
    return [
        *_progress_criteria(signals, rules, signals.recent_days),
        _criterion(
            "relapse_plan",
            plan is not None,
            f"relapse-prevention plan written {plan.isoformat()}"
            if plan
            else "no written relapse-prevention plan",
        ),
        _criterion(
            "sober_support",
            len(supports) >= rules.sober_supports,
            f"{len(supports)} active sober support{'s' if len(supports) != 1 else ''}"
            + (f" ({', '.join(supports)})" if supports else "")
            + f", needs >= {rules.sober_supports}",
            count=len(supports),
        ),
        _no_safety_flag(signals),
        phq_criterion,
    ]


def taper_target(signals: Signals) -> tuple[int, float] | None:
    """One session day fewer at the same hours per day, if that stays within the level."""
    level, span = signals.level, signals.hours_range
    if level is None or span is None or level.days_per_week < 2 or level.hours_per_week <= 0:
        return None
    days = level.days_per_week - 1
    hours = round(level.hours_per_week / level.days_per_week * days, 2)
    return (days, hours) if hours >= span.min else None


def taper_criteria(signals: Signals, policy: Policy) -> list[Criterion]:
    rules = policy.taper
    level, span = signals.level, signals.hours_range
    target = taper_target(signals)
    if level is None:
        hours_message = "no level of care in force"
    elif span is None:
        hours_message = f"level {level.level.value} has no weekly hours range (24-hour setting)"
    else:
        fewer = (
            f"{target[0]} days, {_hours(target[1])}"
            if target
            else "one day fewer would go below it"
            if level.days_per_week >= 2
            else "no session day to drop"
        )
        hours_message = (
            f"{level.days_per_week} days, {_hours(level.hours_per_week)} a week; level minimum "
            f"{_hours(span.min)} ({fewer})"
        )
    return [
        *_progress_criteria(signals, rules, signals.sustained_days),
        _criterion("hours_above_minimum", target is not None, hours_message),
        _no_safety_flag(signals),
    ]


def _progress_criteria(
    signals: Signals, rules: StepDownRules | TaperRules, screens_within: int
) -> list[Criterion]:
    """The criteria a step down and a taper share, with their own thresholds."""
    return [
        _objectives(signals, rules.objectives_achieved_percent),
        _days_since_use(signals, rules.days_since_use),
        _screens_run(signals, rules.negative_screens, screens_within),
        _attendance(signals, rules.attendance_percent),
        _craving(signals, rules.craving_mean_at_most),
        _days_at_level(signals, rules.days_at_level),
    ]


# --- targets and headlines -----------------------------------------------------------------


def _level_text(code: LevelCode, edition: AsamEdition, policy: Policy) -> str:
    typical = policy.typical_schedule.get(code)
    summary = f", {typical.summary}" if typical else ""
    return f"Level {code.value} ({level_name(code, edition).lower()}{summary})"


def _schedule_text(days: int, hours: float) -> str:
    return f"{days} day{'s' if days != 1 else ''} a week, {_hours(hours)}"


def _move_target(code: LevelCode, signals: Signals, policy: Policy) -> TargetSchedule:
    edition = signals.level.edition if signals.level else AsamEdition.THIRD
    typical = policy.typical_schedule.get(code)
    hours = typical.hours_per_week if typical else None
    span = policy.hours_range(code, signals.age_group)
    if hours is not None and span is not None:
        hours = min(max(hours, span.min), span.max)
    return TargetSchedule(
        level=code,
        days_per_week=typical.days_per_week if typical else None,
        hours_per_week=hours,
        description=_level_text(code, edition, policy),
    )


DISCHARGE = "discharge to aftercare (continuing care, 1.0 remission monitoring)"


def _intensify_target(signals: Signals, policy: Policy) -> TargetSchedule:
    level, span = signals.level, signals.hours_range
    services = list(policy.intensify.added_services)
    added = TargetSchedule(
        level=level.level if level else None,
        days_per_week=level.days_per_week if level else None,
        hours_per_week=level.hours_per_week if level else None,
        added_services=services,
        description="add " + " and ".join(services) + " (no change of hours)",
    )
    if level is None or span is None or level.days_per_week == 0:
        return added
    max_days = policy.intensify.max_days_per_week
    if level.days_per_week >= max_days or level.hours_per_week >= span.max:
        return added
    days = level.days_per_week + 1
    hours = min(round(level.hours_per_week / level.days_per_week * days, 2), span.max)
    return TargetSchedule(
        level=level.level,
        days_per_week=days,
        hours_per_week=hours,
        description=(
            f"{_schedule_text(days, hours)} (from "
            f"{_schedule_text(level.days_per_week, level.hours_per_week)})"
        ),
    )


def _target(
    kind: SuggestionKind, signals: Signals, policy: Policy
) -> tuple[TargetSchedule | None, str]:
    level = signals.level
    if level is None:
        return None, "No level of care in force"
    if kind is SuggestionKind.STEP_UP:
        up = policy.step_up_from(level.level)
        assert up is not None  # the caller turns a step up from the top into a safety review
        target = _move_target(up, signals, policy)
        return target, f"Step up to {target.description}"
    if kind is SuggestionKind.STEP_DOWN:
        down = policy.step_down_from(level.level)
        if down is None:
            return TargetSchedule(level=None, description=DISCHARGE), f"Step down: {DISCHARGE}"
        target = _move_target(down, signals, policy)
        return target, f"Step down to {target.description}"
    if kind is SuggestionKind.INTENSIFY:
        target = _intensify_target(signals, policy)
        return target, f"Intensify at Level {level.level.value}: {target.description}"
    if kind is SuggestionKind.TAPER:
        days, hours = taper_target(signals) or (level.days_per_week, level.hours_per_week)
        description = (
            f"{_schedule_text(days, hours)} (from "
            f"{_schedule_text(level.days_per_week, level.hours_per_week)})"
        )
        target = TargetSchedule(
            level=level.level, days_per_week=days, hours_per_week=hours, description=description
        )
        return target, f"Taper at Level {level.level.value} to {description}"
    return None, _current_text(signals)


def _current_text(signals: Signals) -> str:
    level = signals.level
    assert level is not None
    name = level_name(level.level, level.edition).lower()
    return (
        f"Level {level.level.value} ({name}, "
        f"{_schedule_text(level.days_per_week, level.hours_per_week)})"
    )


# --- alerts ----------------------------------------------------------------------------------


def _alerts(signals: Signals, policy: Policy) -> list[Alert]:
    alerts: list[Alert] = []
    rules = policy.alerts
    due, days = signals.review_due, signals.days_to_review
    if signals.review_status == "overdue":
        alerts.append(
            Alert(
                alert="review_overdue",
                message=f"plan review overdue by {-days} day{'s' if days != -1 else ''} "
                f"(due {due.isoformat()})",
                data={"due": due.isoformat(), "days_overdue": -days},
            )
        )
    elif signals.review_status == "due_soon":
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        alerts.append(
            Alert(
                alert="review_due_soon",
                message=f"plan review due {when} ({due.isoformat()})",
                data={"due": due.isoformat(), "days_to_review": days},
            )
        )
    naloxone = signals.naloxone
    check = (
        "no naloxone check recorded"
        if naloxone is None
        else f"naloxone {'on hand' if naloxone.on_hand else 'NOT on hand'} when checked "
        f"{naloxone.checked_on.isoformat()}"
    )
    for event, gap in signals.use_after_abstinence:
        alerts.append(
            Alert(
                alert="overdose_risk",
                safety=True,
                message=(
                    f"use on {event.on.isoformat()} after {gap} days without use: overdose risk "
                    f"(tolerance lost); check naloxone on hand ({check})"
                ),
                data={"on": event.on.isoformat(), "days_without_use": gap},
            )
        )
    recent = signals.recent_days
    if signals.signed_notes_recent == 0:
        alerts.append(
            Alert(alert="no_signed_note", message=f"no signed note in the last {recent} days")
        )
    if not any(signals.in_recent(screen.on) for screen in signals.screens):
        alerts.append(Alert(alert="no_screen", message=f"no drug screen in the last {recent} days"))
    if not signals.baseline_phq9:
        alerts.append(
            Alert(
                alert="no_baseline_phq9",
                message=(
                    f"no baseline PHQ-9 within {rules.baseline_phq9_within_days} days of "
                    f"admission ({signals.admission_date.isoformat()})"
                ),
            )
        )
    phq = signals.phq9_latest
    if phq is None or not signals.in_sustained(phq.on):
        alerts.append(
            Alert(
                alert="no_recent_phq9",
                message=f"no PHQ-9 in the last {signals.sustained_days} days",
            )
        )
    alerts.extend(_session_alerts(signals, policy))
    drafts = signals.old_drafts
    if drafts:
        alerts.append(
            Alert(
                alert="draft_note_old",
                message=(
                    f"{len(drafts)} draft note{'s' if len(drafts) != 1 else ''} older than "
                    f"{rules.draft_older_than_days} days (oldest {drafts[0].isoformat()}): "
                    "sign or delete"
                ),
                data={"count": len(drafts), "oldest": drafts[0].isoformat()},
            )
        )
    return alerts


def _session_alerts(signals: Signals, policy: Policy) -> list[Alert]:
    """Attendance not recorded in time, and hours delivered below the level's minimum."""
    alerts: list[Alert] = []
    late = signals.overdue_unrecorded
    if late:
        days = policy.alerts.attendance_unrecorded_after_days
        alerts.append(
            Alert(
                alert="attendance_not_recorded",
                message=(
                    f"attendance not recorded for {len(late)} session"
                    f"{'s' if len(late) != 1 else ''} more than {days} days old: "
                    + ", ".join(late)
                ),
                data={"sessions": list(late)},
            )
        )
    weeks = signals.hours_weeks
    needed = policy.alerts.hours_below_minimum_weeks
    floor = signals.hours_range.min if signals.hours_range is not None else None
    if floor is not None and len(weeks) >= needed:
        last = weeks[-needed:]
        if all(week.hours is not None and week.hours < floor for week in last):
            alerts.append(
                Alert(
                    alert="hours_below_minimum",
                    message=(
                        f"hours delivered below the level's minimum of {_hours(floor)} for "
                        f"{needed} weeks running: "
                        + ", ".join(
                            f"{_hours(week.hours)} week of {week.start:%a} {week.start.day} "
                            f"{week.start:%b}"
                            for week in last
                        )
                    ),
                    data={
                        "minimum": floor,
                        "weeks": {week.start.isoformat(): week.hours for week in last},
                    },
                )
            )
    return alerts


# --- the suggestion ------------------------------------------------------------------------

_AFTER_INTENSIFY = frozenset(
    {SuggestionKind.STEP_DOWN, SuggestionKind.TAPER, SuggestionKind.CONTINUE}
)


def _held(signals: Signals, policy: Policy, since: date | None, fired: list[RuleHit]) -> bool:
    """True when evidence from before an accepted intensification would intensify again."""
    if since is None or any(hit.kind is SuggestionKind.INTENSIFY for hit in fired):
        return False
    return bool(_intensify_hits(signals, policy, None))


def _held_text(signals: Signals, policy: Policy) -> str:
    raised = signals.accepted_intensification
    assert raised is not None
    until = raised.start + timedelta(days=policy.windows.sustained_days)
    start, end = raised.start.isoformat(), until.isoformat()
    return f"; intensified {start}: earlier evidence held until {end}"


def suggest(
    patient: Patient,
    as_of: date,
    policy: Policy = DEFAULT_POLICY,
    book: SessionBook | None = None,
) -> Suggestion:
    """The explained suggestion for ``patient`` as of ``as_of`` under ``policy``.

    ``book`` holds the clinic's groups, sessions and attendance: a patient scheduled in it is
    judged on expected sessions, one who is not (older imports) on the notes' attendance.
    """
    signals = compute_signals(patient, as_of, policy, book)
    base: dict[str, Any] = {
        "patient_id": patient.id,
        "as_of": as_of,
        "signals": signals.as_json(),
        "policy_name": policy.name,
    }
    if signals.discharged_on is not None:
        return Suggestion(
            **base,
            kind=SuggestionKind.CONTINUE,
            headline=f"Discharged on {signals.discharged_on.isoformat()}: no level suggestion",
        )
    if signals.level is None or as_of < patient.admission_date:
        return Suggestion(
            **base,
            kind=SuggestionKind.CONTINUE,
            headline=f"Not in care on {as_of.isoformat()}: no level of care in force",
            alerts=[Alert(alert="no_level", message="no level of care in force on this date")],
        )

    since = evidence_since(signals)
    fired = [
        *_safety_hits(signals),
        *_step_up_hits(signals, policy),
        *_intensify_hits(signals, policy, since),
    ]
    down = step_down_criteria(signals, policy)
    taper = taper_criteria(signals, policy)
    for kind, criteria in ((SuggestionKind.STEP_DOWN, down), (SuggestionKind.TAPER, taper)):
        if all(c.met for c in criteria):
            fired.append(
                RuleHit(
                    rule=f"{kind.value}.all_criteria_met",
                    kind=kind,
                    message=f"all {len(criteria)} {kind.value.replace('_', '-')} criteria met",
                )
            )
    kinds = {hit.kind for hit in fired}
    kind = next((k for k in _ORDER if k in kinds), SuggestionKind.CONTINUE)
    if kind is SuggestionKind.STEP_UP and policy.step_up_from(signals.level.level) is None:
        fired.append(
            RuleHit(
                rule="safety.step_up_from_top",
                kind=SuggestionKind.SAFETY_REVIEW,
                message=(
                    f"step-up criteria met at Level {signals.level.level.value}, the highest "
                    "level of the ladder: no step up is offered"
                ),
            )
        )
        kind = SuggestionKind.SAFETY_REVIEW

    if kind is SuggestionKind.SAFETY_REVIEW:
        first = next(hit for hit in fired if hit.kind is SuggestionKind.SAFETY_REVIEW)
        target, headline = None, f"Safety review: {first.message}"
    elif kind is SuggestionKind.CONTINUE:
        unmet = sum(not c.met for c in down)
        target, current = _target(kind, signals, policy)
        headline = (
            f"Continue at {current}: {unmet} step-down criteri{'a' if unmet != 1 else 'on'} unmet"
        )
    else:
        target, headline = _target(kind, signals, policy)
    if kind in _AFTER_INTENSIFY and _held(signals, policy, since, fired):
        headline += _held_text(signals, policy)
    return Suggestion(
        **base,
        kind=kind,
        headline=headline,
        target=target,
        fired=fired,
        step_down_criteria=down,
        taper_criteria=taper,
        alerts=_alerts(signals, policy),
    )
