"""The day's agenda: today's sessions and the counselor's worklist, and their JSON form.

Built from the expected sessions of every active patient (``tplan.clinical.expected``), their
notes and the caseload's suggestions; nothing here reads or writes the store.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from tplan.clinical import ExpectedSession, Outcome, Policy
from tplan.domain import DecisionOutcome, Patient, ProgressNote, Session, SessionType
from tplan.services.caseload import CaseloadRow


@dataclass(frozen=True, slots=True)
class SessionKey:
    """Names one occurrence: a group (or individual schedule, or one-off session) on a day."""

    occurrence: str
    on: date


@dataclass(frozen=True, slots=True)
class AgendaSession:
    """One session of the day with its roster and how far its paperwork is."""

    key: SessionKey
    start: time
    end: time
    kind: str
    """``group``, ``individual`` or ``family``."""
    title: str
    """The group's name, or ``Individual · <patient>``."""
    group_id: str | None
    session: Session | None
    """The stored session (None until something was recorded for it)."""
    roster: tuple[str, ...]
    """Patient ids expected, in name order."""
    recorded: int
    attended: int
    notes_written: int
    notes_signed: int

    @property
    def cancelled(self) -> bool:
        return self.session is not None and self.session.cancelled

    @property
    def status(self) -> str:
        if self.session is None:
            return "scheduled"
        return self.session.status.value

    @property
    def attendance_done(self) -> bool:
        return self.cancelled or self.recorded == len(self.roster)


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One thing the counselor should do; ``enter`` on it opens the form that clears it."""

    kind: str
    """``attendance_not_recorded``, ``no_note``, ``old_draft``, ``review_due``,
    ``deferred_decision`` or ``safety``."""
    text: str
    on: date | None = None
    patient_id: str | None = None
    session: SessionKey | None = None
    note_id: str | None = None
    safety: bool = False


WORK_ORDER = (
    "safety",
    "attendance_not_recorded",
    "no_note",
    "old_draft",
    "review_due",
    "deferred_decision",
)


@dataclass(frozen=True, slots=True)
class Agenda:
    on: date
    clinician: str
    sessions: tuple[AgendaSession, ...]
    worklist: tuple[WorkItem, ...]


def day_text(on: date) -> str:
    """E.g. ``Mon 23 Nov``."""
    return f"{on:%a} {on.day} {on:%b}"


def note_for(
    patient: Patient, entry: ExpectedSession, session_type: SessionType
) -> ProgressNote | None:
    """The patient's note documenting this session: linked to it, else of that day and type."""
    session_id = entry.session.id if entry.session is not None else None
    linked = [n for n in patient.notes if session_id is not None and n.session_id == session_id]
    if linked:
        return linked[0]
    return next(
        (
            n
            for n in patient.notes
            if n.session_id is None
            and n.date_of_service == entry.on
            and (n.session_type is session_type)
        ),
        None,
    )


def agenda_sessions(
    day: date, expected: Mapping[str, list[ExpectedSession]], patients: Mapping[str, Patient]
) -> list[AgendaSession]:
    """The sessions of ``day`` from every patient's expected sessions, in time order."""
    by_key: dict[SessionKey, list[ExpectedSession]] = {}
    for entries in expected.values():
        for entry in entries:
            if entry.on == day:
                by_key.setdefault(SessionKey(entry.occurrence, day), []).append(entry)
    found: list[AgendaSession] = []
    for key, entries in by_key.items():
        first = entries[0]
        entries.sort(key=lambda e: patients[e.patient_id].display_name.casefold())
        kind = first.session_type
        notes = [note_for(patients[e.patient_id], e, kind) for e in entries]
        title = first.label
        if kind is not SessionType.GROUP:
            title = f"{kind.value.capitalize()} · {patients[first.patient_id].display_name}"
        found.append(
            AgendaSession(
                key=key,
                start=first.start,
                end=first.end,
                kind=kind.value,
                title=title,
                group_id=first.group_id,
                session=first.session,
                roster=tuple(e.patient_id for e in entries),
                recorded=sum(e.record is not None for e in entries),
                attended=sum(e.outcome is Outcome.ATTENDED for e in entries),
                notes_written=sum(n is not None for n in notes),
                notes_signed=sum(n is not None and n.signed for n in notes),
            )
        )
    return sorted(found, key=lambda s: (s.start, s.title.casefold()))


def worklist(
    day: date,
    expected: Mapping[str, list[ExpectedSession]],
    patients: Mapping[str, Patient],
    rows: Iterable[CaseloadRow],
    policy: Policy,
) -> list[WorkItem]:
    """Everything due on ``day`` across the caseload, most urgent kind first."""
    items: list[WorkItem] = []
    sustained = day - timedelta(days=policy.windows.sustained_days - 1)
    recent = day - timedelta(days=policy.windows.recent_days - 1)
    missing: dict[SessionKey, list[ExpectedSession]] = {}
    roster_size: dict[SessionKey, int] = {}
    for entries in expected.values():
        for entry in entries:
            key = SessionKey(entry.occurrence, entry.on)
            roster_size[key] = roster_size.get(key, 0) + 1
            outcome = entry.outcome
            if outcome is Outcome.UNRECORDED and sustained <= entry.on < day:
                missing.setdefault(key, []).append(entry)
            if outcome is Outcome.ATTENDED and recent <= entry.on <= day:
                patient = patients[entry.patient_id]
                if note_for(patient, entry, entry.session_type) is None:
                    items.append(
                        WorkItem(
                            kind="no_note",
                            text=f"no note: {day_text(entry.on)} {entry.label} · "
                            f"{patient.display_name}",
                            on=entry.on,
                            patient_id=patient.id,
                            session=key,
                        )
                    )
    for key, entries in sorted(missing.items(), key=lambda kv: (kv[0].on, kv[1][0].start)):
        first = entries[0]
        who = (
            f" ({len(entries)} of {roster_size[key]})"
            if first.group_id is not None
            else f" · {patients[first.patient_id].display_name}"
        )
        items.append(
            WorkItem(
                kind="attendance_not_recorded",
                text=f"attendance not recorded: {day_text(key.on)} {first.label}{who}",
                on=key.on,
                patient_id=None if first.group_id is not None else first.patient_id,
                session=key,
            )
        )
    due_after = timedelta(days=policy.alerts.deferred_decision_due_days)
    for row in rows:
        patient = row.patient
        for note in patient.notes:
            if not note.signed and note.date_of_service < day:
                items.append(
                    WorkItem(
                        kind="old_draft",
                        text=f"draft from {day_text(note.date_of_service)} · "
                        f"{patient.display_name}: sign or delete",
                        on=note.date_of_service,
                        patient_id=patient.id,
                        note_id=note.id,
                    )
                )
        if row.review_due is not None:
            days = (row.review_due - day).days
            if days <= policy.alerts.review_due_within_days:
                when = (
                    f"OVERDUE {-days} d" if days < 0 else "today" if days == 0 else f"in {days} d"
                )
                items.append(
                    WorkItem(
                        kind="review_due",
                        text=f"plan review {when} · {patient.display_name}",
                        on=row.review_due,
                        patient_id=patient.id,
                    )
                )
        latest = max(patient.decisions, key=lambda d: d.decided_at, default=None)
        if latest is not None and latest.outcome is DecisionOutcome.DEFER:
            due = latest.follow_up_on or latest.decided_at.date() + due_after
            if due <= day:
                items.append(
                    WorkItem(
                        kind="deferred_decision",
                        text=f"deferred decision due {day_text(due)} · {patient.display_name}: "
                        f"{latest.suggestion.kind.value.replace('_', ' ')}",
                        on=due,
                        patient_id=patient.id,
                    )
                )
        if row.safety:
            alert = next((a for a in row.alerts if a.safety), None)
            reason = alert.message if alert is not None else row.headline
            items.append(
                WorkItem(
                    kind="safety",
                    text=f"{patient.display_name}: {reason}",
                    patient_id=patient.id,
                    safety=True,
                )
            )
    return sorted(
        items,
        key=lambda item: (WORK_ORDER.index(item.kind), item.on or day, item.text.casefold()),
    )


# --- JSON ----------------------------------------------------------------------------------


def session_json(item: AgendaSession) -> dict[str, Any]:
    return {
        "date": item.key.on.isoformat(),
        "start": f"{item.start:%H:%M}",
        "end": f"{item.end:%H:%M}",
        "kind": item.kind,
        "title": item.title,
        "occurrence": item.key.occurrence,
        "group_id": item.group_id,
        "session_id": item.session.id if item.session is not None else None,
        "status": item.status,
        "roster": len(item.roster),
        "attendance_recorded": item.recorded,
        "attended": item.attended,
        "notes_written": item.notes_written,
        "notes_signed": item.notes_signed,
    }


def work_item_json(item: WorkItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "text": item.text,
        "date": item.on.isoformat() if item.on else None,
        "patient_id": item.patient_id,
        "occurrence": item.session.occurrence if item.session else None,
        "note_id": item.note_id,
        "safety": item.safety,
    }


def agenda_json(agenda: Agenda) -> str:
    """The agenda with stable keys (documented in README, ``tplan agenda --json``)."""
    data = {
        "date": agenda.on.isoformat(),
        "clinician": agenda.clinician,
        "sessions": [session_json(s) for s in agenda.sessions],
        "worklist": [work_item_json(w) for w in agenda.worklist],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
