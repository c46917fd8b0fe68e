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

from tplan.clinical import ExpectedSession, Outcome, Policy, review_due, safety_messages
from tplan.domain import (
    DecisionOutcome,
    Patient,
    ProgressNote,
    Session,
    SessionType,
    TreatmentGroup,
)
from tplan.domain.rules import session_started
from tplan.services.caseload import safety_decided_at
from tplan.services.caseload_summary import safety_decision_text


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
    label: str = ""
    """The session's name (a group's name, ``Individual`` ...) when the item is a session."""
    patients: tuple[str, ...] = ()
    """The patients the item concerns, when more than one."""
    group_id: str | None = None
    """The group whose session the item is about (a group's session is documented by its
    group note, not one member's progress note)."""


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


def _title(label: str) -> str:
    return label[:1].upper() + label[1:]


@dataclass(slots=True)
class PatientNotes:
    """One patient's notes indexed once per agenda: what documents a session, and the drafts."""

    linked: dict[str, ProgressNote]
    """Session id -> the first note linked to it."""
    unlinked: dict[tuple[date, SessionType], ProgressNote]
    """(date of service, session type) -> the first note not linked to a session."""
    more_unlinked: dict[tuple[date, SessionType], list[ProgressNote]]
    """The others of the same day and type, in record order (rare: a list for every note of a
    clinic's caseload, 80,000 at clinic size, set off the cyclic collector over all records)."""
    drafts: list[ProgressNote]
    """Unsigned notes in record order."""

    @classmethod
    def of(cls, patient: Patient) -> PatientNotes:
        linked: dict[str, ProgressNote] = {}
        unlinked: dict[tuple[date, SessionType], ProgressNote] = {}
        more: dict[tuple[date, SessionType], list[ProgressNote]] = {}
        drafts: list[ProgressNote] = []
        for note in patient.notes:
            if note.session_id is not None:
                linked.setdefault(note.session_id, note)
            else:
                key = (note.date_of_service, note.session_type)
                if key in unlinked:
                    more.setdefault(key, []).append(note)
                else:
                    unlinked[key] = note
            if note.signed_at is None:
                drafts.append(note)
        return cls(linked, unlinked, more, drafts)

    def note_for(self, entry: ExpectedSession, session_type: SessionType) -> ProgressNote | None:
        """The note documenting this session: linked to it; else a note not linked to any
        session, of that day and type, written or signed once the session had begun (a
        draft written ahead documents nothing yet), a signed one first."""
        if entry.session is not None and entry.session.id in self.linked:
            return self.linked[entry.session.id]
        key = (entry.on, session_type)
        first = self.unlinked.get(key)
        if first is None:
            return None
        after = [
            n
            for n in (first, *self.more_unlinked.get(key, ()))
            if session_started(entry.on, entry.start, n.signed_at or n.written_at)
        ]
        return next((n for n in after if n.signed), after[0] if after else None)


class NoteIndex(dict[str, PatientNotes]):
    """Every patient's ``PatientNotes`` by id, built on first use (most patients need none)."""

    def __init__(self, patients: Mapping[str, Patient]) -> None:
        super().__init__()
        self.patients = patients

    def __missing__(self, pid: str) -> PatientNotes:
        found = self[pid] = PatientNotes.of(self.patients[pid])
        return found


def agenda_sessions(
    day: date,
    expected: Mapping[str, list[ExpectedSession]],
    patients: Mapping[str, Patient],
    notes: Mapping[str, PatientNotes] | None = None,
) -> list[AgendaSession]:
    """The sessions of ``day`` from every patient's expected sessions, in time order."""
    notes = notes if notes is not None else NoteIndex(patients)
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
        documented = [notes[e.patient_id].note_for(e, kind) for e in entries]
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
                notes_written=sum(n is not None for n in documented),
                notes_signed=sum(n is not None and n.signed for n in documented),
            )
        )
    return sorted(found, key=lambda s: (s.start, s.title.casefold()))


def worklist(
    day: date,
    expected: Mapping[str, list[ExpectedSession]],
    patients: Mapping[str, Patient],
    policy: Policy,
    notes: Mapping[str, PatientNotes] | None = None,
) -> list[WorkItem]:
    """Everything due on ``day`` across the caseload, most urgent kind first.

    Reviews and safety come from the cheap clinical functions (``review_due``,
    ``safety_messages``), not from whole suggestions, so the agenda stays quick at clinic size.
    """
    notes = notes if notes is not None else NoteIndex(patients)
    items: list[WorkItem] = []
    sustained = day - timedelta(days=policy.windows.sustained_days - 1)
    note_due = day - timedelta(days=policy.alerts.draft_older_than_days - 1)
    missing: dict[SessionKey, list[ExpectedSession]] = {}
    unnoted: dict[SessionKey, list[ExpectedSession]] = {}
    attended: dict[SessionKey, int] = {}
    roster_size: dict[SessionKey, int] = {}
    for entries in expected.values():
        for entry in entries:
            key = SessionKey(entry.occurrence, entry.on)
            roster_size[key] = roster_size.get(key, 0) + 1
            outcome = entry.outcome
            if outcome is Outcome.UNRECORDED and sustained <= entry.on < day:
                missing.setdefault(key, []).append(entry)
            if outcome is Outcome.ATTENDED and note_due <= entry.on <= day:
                attended[key] = attended.get(key, 0) + 1
                if notes[entry.patient_id].note_for(entry, entry.session_type) is None:
                    unnoted.setdefault(key, []).append(entry)

    def who(entries: list[ExpectedSession], of: int) -> str:
        if len(entries) == 1:
            return f" · {patients[entries[0].patient_id].display_name}"
        return f" ({len(entries)} of {of})"

    for kind, what, grouped, counts in (
        ("attendance_not_recorded", "attendance not recorded", missing, roster_size),
        ("no_note", "no note", unnoted, attended),
    ):
        for key, entries in sorted(grouped.items(), key=lambda kv: (kv[0].on, kv[1][0].start)):
            first = entries[0]
            items.append(
                WorkItem(
                    kind=kind,
                    text=f"{what}: {day_text(key.on)} {_title(first.label)}"
                    + who(entries, counts[key]),
                    on=key.on,
                    patient_id=first.patient_id if len(entries) == 1 else None,
                    session=key,
                    label=_title(first.label),
                    patients=tuple(e.patient_id for e in entries),
                    group_id=first.group_id,
                )
            )
    due_after = timedelta(days=policy.alerts.deferred_decision_due_days)
    for patient in patients.values():
        drafts = sorted(
            (n for n in notes[patient.id].drafts if n.date_of_service < day),
            key=lambda n: n.date_of_service,
        )
        if drafts:
            oldest = drafts[0]
            what = (
                f"draft from {day_text(oldest.date_of_service)}"
                if len(drafts) == 1
                else f"{len(drafts)} drafts, oldest {day_text(oldest.date_of_service)}"
            )
            items.append(
                WorkItem(
                    kind="old_draft",
                    text=f"{what} · {patient.display_name}: sign or delete",
                    on=oldest.date_of_service,
                    patient_id=patient.id,
                    note_id=oldest.id,
                )
            )
        due_on = review_due(patient, day, policy) if patient.level_on(day) else None
        if due_on is not None:
            days = (due_on - day).days
            if days <= policy.alerts.review_due_within_days:
                when = (
                    f"OVERDUE {-days} d" if days < 0 else "today" if days == 0 else f"in {days} d"
                )
                items.append(
                    WorkItem(
                        kind="review_due",
                        text=f"plan review {when} · {patient.display_name}",
                        on=due_on,
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
        safety = safety_messages(patient, day, policy)
        if safety:
            decided = safety_decision_text(safety_decided_at(patient, True, day), day)
            reason = "; ".join([decided, *safety] if decided else safety)
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
        "format": "tplan.agenda",
        "version": 1,
        "date": agenda.on.isoformat(),
        "clinician": agenda.clinician,
        "sessions": [session_json(s) for s in agenda.sessions],
        "worklist": [work_item_json(w) for w in agenda.worklist],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def agenda_text(agenda: Agenda) -> str:
    """The agenda as plain lines (symbols, not colours, carry the flags)."""
    lines = [f"{day_text(agenda.on)} {agenda.on.year} · {agenda.clinician}", "Sessions"]
    for item in agenda.sessions:
        if item.cancelled:
            state = f"cancelled ({item.session.cancel_reason})" if item.session else "cancelled"
        else:
            state = f"attendance {item.recorded}/{len(item.roster)} recorded"
            state += f"  notes {item.notes_written}/{item.attended} ({item.notes_signed} signed)"
        lines.append(
            f"  {item.start:%H:%M}-{item.end:%H:%M}  {item.title}  ({len(item.roster)})  {state}"
        )
    if not agenda.sessions:
        lines.append("  no sessions")
    lines.append("To do")
    for work in agenda.worklist:
        flag = "!!" if work.safety else "! " if work.kind == "attendance_not_recorded" else "  "
        lines.append(f" {flag} {work.text}")
    if not agenda.worklist:
        lines.append("  nothing")
    return "\n".join(lines)


def group_json(group: TreatmentGroup, today: date) -> dict[str, Any]:
    pattern = group.pattern_on(today) or group.pattern
    return {
        "group_id": group.id,
        "name": group.name,
        "kind": group.kind.value,
        "facilitators": list(group.facilitators),
        "location": group.location,
        "weekdays": [day.value for day in pattern.weekdays],
        "start": f"{pattern.start_time:%H:%M}",
        "end": f"{pattern.end_time:%H:%M}",
        "duration_minutes": pattern.duration_minutes,
        "active_from": group.active_from.isoformat(),
        "active_to": group.active_to.isoformat() if group.active_to else None,
        "active": group.active_on(today),
        "members_today": group.members_on(today),
    }


def groups_json(groups: Iterable[TreatmentGroup], today: date) -> str:
    """The stable JSON of ``tplan groups --json`` (documented in README)."""
    data = {
        "format": "tplan.groups",
        "version": 1,
        "date": today.isoformat(),
        "groups": [group_json(g, today) for g in groups],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def groups_text(groups: Iterable[TreatmentGroup], today: date) -> str:
    lines = []
    for group in groups:
        pattern = group.pattern_on(today) or group.pattern
        ended = "" if group.active_on(today) else "  (not active)"
        lines.append(
            f"{group.name}  {pattern.describe()}  {', '.join(group.facilitators)}"
            f"  {len(group.members_on(today))} members{ended}"
        )
    return "\n".join(lines) if lines else "No treatment groups yet."
