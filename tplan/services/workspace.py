"""The use cases the UI and the CLI call: read, change, decide, export, import.

Each write copies the stored patient, applies one change, and hands the copy to
``Repository.put``, which validates it (pydantic's ValidationError; show it with
``friendly_errors``), refuses changes to signed notes, saves atomically and audits the action.
The updated Patient is returned. Objects returned here are shared: treat them as read-only.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError

from tplan.clinical import DEFAULT_POLICY, Policy, SessionBook, suggest
from tplan.clinical.signals import Rate, attendance_rate
from tplan.domain import (
    Addendum,
    AftercarePlan,
    DecisionOutcome,
    Discharge,
    DisclosureStatus,
    Envelope,
    ExportFormat,
    ExportLogEntry,
    Goal,
    Intervention,
    LevelChange,
    Medication,
    NaloxoneCheck,
    Objective,
    ObjectiveStatus,
    Patient,
    PlanReview,
    Problem,
    ProgressNote,
    RelapsePreventionPlan,
    Risk,
    RiskEvent,
    SnapItem,
    StatusChange,
    Suggestion,
    SupportGroup,
    SupportPerson,
)
from tplan.domain.base import new_id
from tplan.domain.notes import signing_problem
from tplan.domain.plan import WrittenPlan
from tplan.domain.rules import (
    follow_up_problem,
    last_use_problem,
    record_problems,
    review_problem,
    service_date_problem,
)
from tplan.domain.suggestion import Decision
from tplan.services import disclosure, trends
from tplan.services.caseload import CaseloadRow, caseload_row, summary_of
from tplan.services.clock import Clock, SystemClock, document_time
from tplan.services.cosign import CosignUseCases
from tplan.services.errors import (
    ExportRefused,
    ImportError_,
    NoteStateError,
    RecordNotFound,
    RecordRuleError,
    ServiceError,
)
from tplan.services.frequencies import FrequencyUseCases
from tplan.services.group_fit import GroupFitUseCases
from tplan.services.group_notes import GroupNoteUseCases
from tplan.services.interchange import build_envelope, read_envelope, write_new_file
from tplan.services.sessions import SessionUseCases
from tplan.store import (
    AuditEntry,
    ConflictError,
    PatientStore,
    ReadOnlyStoreError,
    SignedNoteError,
    StoreError,
)
from tplan.store.audit import os_user


@dataclass(frozen=True)
class AcceptPreview:
    """Review due before and after an accepted level change, and the active interventions
    (objective id, intervention) whose frequencies the counselor may want to change with it."""

    review_due_before: date | None
    review_due_after: date | None
    interventions: tuple[tuple[str, Intervention], ...]


class _HasId(Protocol):
    id: str


T = TypeVar("T", bound=_HasId)
W = TypeVar("W", bound=WrittenPlan)


def _upsert(items: list[T], item: T) -> list[T]:
    """A new list with ``item`` replacing the element of the same id, or appended."""
    replaced = [item if x.id == item.id else x for x in items]
    return replaced if any(x is item for x in replaced) else [*items, item]


def _check_signable(note: ProgressNote) -> None:
    """Refuse to sign (and so lock) a note that leaves a section of its format unwritten."""
    if problem := signing_problem(note):
        section, message = problem
        raise RecordRuleError(f"sections.{section}", message)


def _find(items: Iterable[T], item_id: str, what: str) -> T:
    for item in items:
        if item.id == item_id:
            return item
    raise RecordNotFound(what, item_id)


class Workspace(
    SessionUseCases, GroupNoteUseCases, CosignUseCases, FrequencyUseCases, GroupFitUseCases
):
    """One clinician's session on one store of records (a file or a clinic's database)."""

    def __init__(
        self,
        repo: PatientStore,
        clock: Clock | None = None,
        policy: Policy | None = None,
        clinician: str = "",
        *,
        role: str = "counselor",
        requires_cosignature: bool = False,
        export_folder: Path | None = None,
    ) -> None:
        self.repo = repo
        self.clock: Clock = clock or SystemClock()
        self.policy = policy or DEFAULT_POLICY
        self.clinician = clinician or repo.clinician or os_user()
        self.role = role
        """counselor or supervisor (settings): supervisors co-sign (``CosignUseCases``)."""
        self.requires_cosignature = requires_cosignature
        """This clinician's signed notes wait for a supervisor's co-signature."""
        self.export_folder = export_folder
        """Where an export named no file goes (settings; created 0700); None: the current one."""
        self._expected = threading.local()
        """Per thread: the patient id and version a form was opened on (``expecting``)."""

    @property
    def read_only(self) -> bool:
        return self.repo.read_only

    @property
    def location(self) -> str:
        """Where the records are (a path, or a server URL without password)."""
        return self.repo.location

    def close(self) -> None:
        self.repo.close()

    # --- reads ---------------------------------------------------------------------------

    def patients(self, include_discharged: bool = False) -> list[Patient]:
        """Patients by display name; discharged ones only when asked (else they are not even
        validated). A record that does not load is left out and named by ``damaged_records``
        (opening the store no longer validates the active ones, so this is where such a
        record is found)."""
        ids = self.repo.active_ids() + (self.repo.discharged_ids() if include_discharged else [])
        found = self.repo.loadable(ids)
        return sorted(found, key=lambda p: (p.display_name.casefold(), p.id))

    def active_count(self) -> int:
        """How many patients are in care, without reading their records."""
        return len(self.repo.active_ids())

    def discharged_count(self) -> int:
        """How many patients are discharged, without reading their records."""
        return len(self.repo.discharged_ids())

    def damaged_records(self) -> dict[str, str]:
        """Patient id -> what is wrong, for records that do not load: they are kept in the
        file as they were and left out of every list (the caseload and the top bar name them)."""
        return self.repo.damaged_records()

    def discharged_names(self) -> dict[str, str]:
        """Discharged patients' display names by id, without validating their records."""
        return self.repo.stored_names(self.repo.discharged_ids())

    def known_names(self) -> list[str]:
        """Every name the records know, for privacy mode: the patients in care with their
        support people, and the discharged patients (by stored name, not validated)."""
        from tplan.domain.privacy import record_names

        names = [name for p in self.repo.active_patients() for name in record_names(p)]
        return [*names, *self.discharged_names().values()]

    def patient(self, pid: str) -> Patient:
        return self.repo.get(pid)

    def patient_with_version(self, pid: str) -> tuple[Patient, int]:
        """The patient and its version, e.g. for a form to save against (``expecting``)."""
        return self.repo.get_versioned(pid)

    @contextlib.contextmanager
    def expecting(self, pid: str | None, version: int | None) -> Iterator[None]:
        """Within this block (this thread), changes to ``pid`` are saved only if the patient is
        still at ``version`` (the one a form showed when it opened), else ConflictError:
        another counselor's save in between is never overwritten. Each successful save in
        the block moves the expectation on to the version it created."""
        previous = getattr(self._expected, "value", None)
        self._expected.value = [pid, version] if pid is not None and version else None
        try:
            yield
        finally:
            self._expected.value = previous

    def suggest(self, pid: str, as_of: date | None = None) -> Suggestion:
        day = as_of or self.clock.today()
        return suggest(self.repo.get(pid), day, self.policy, self.book_for(day))

    def caseload(
        self,
        as_of: date | None = None,
        *,
        include_discharged: bool = False,
        book: SessionBook | None = None,
    ) -> list[CaseloadRow]:
        """Every active patient's row (``book``: the sessions, if already read for this day)."""
        day = as_of or self.clock.today()
        book = book or self.book_for(day)
        return [
            caseload_row(p, day, self.policy, book) for p in self.patients(include_discharged)
        ]

    def discharged_caseload(self, as_of: date | None = None) -> list[CaseloadRow]:
        """The discharged patients' rows (validates their records: the costly part)."""
        day = as_of or self.clock.today()
        closed = self.repo.loadable(self.repo.discharged_ids())
        return [caseload_row(patient, day, self.policy) for patient in closed]

    def caseload_row(self, pid: str, as_of: date | None = None) -> CaseloadRow:
        """One patient's row, e.g. to refresh it after a form saved."""
        day = as_of or self.clock.today()
        return caseload_row(self.repo.get(pid), day, self.policy, self.book_for(day))

    def summaries_of(
        self, patients: Iterable[Patient], book: SessionBook | None = None
    ) -> dict[str, dict[str, Any]]:
        """The caseload summaries saved with these documents, as of today: the store keeps
        them so that the next start paints the caseload before loading the domain."""
        day = self.clock.today()
        book = book or self.book_for(day)
        return {p.id: summary_of(caseload_row(p, day, self.policy, book)) for p in patients}

    def refresh_caseload_summaries(self, as_of: date | None = None) -> dict[str, dict[str, Any]]:
        """Every active patient's caseload summary computed now (by display name), keeping
        for the next start those that differ from the stored ones (not when read-only; each
        only if the patient was not saved meanwhile, a save carrying its own)."""
        day = as_of or self.clock.today()
        book = self.book_for(day)
        stored = self.repo.caseload_summaries()
        fresh: dict[str, dict[str, Any]] = {}
        changed: dict[str, tuple[int, dict[str, Any]]] = {}
        for listed in self.patients():  # the damaged ones are left out (and named)
            patient, version = self.repo.get_versioned(listed.id)
            summary = summary_of(caseload_row(patient, day, self.policy, book))
            fresh[patient.id] = summary
            if stored.get(patient.id) != summary:
                changed[patient.id] = (version, summary)
        if changed and not self.repo.read_only:
            self.repo.save_summaries(changed)
        return fresh

    def attendance_weeks(
        self, patient: Patient, weeks: int, as_of: date | None = None
    ) -> list[tuple[date, Rate]]:
        """Attendance per week, counted as the rules count it (sessions when scheduled)."""
        day = as_of or self.clock.today()
        return trends.attendance_weeks(patient, day, weeks, self.book_for(day))

    def attendance_rate(self, patient: Patient, days: int, as_of: date | None = None) -> Rate:
        """Attendance over the ``days`` ending on ``as_of`` (sessions when scheduled)."""
        day = as_of or self.clock.today()
        return attendance_rate(patient, day, days, self.book_for(day))

    def review_due(self, patient: Patient, as_of: date | None = None) -> date:
        """When the next plan review is due (the engine's rule and this clinic's policy)."""
        from tplan.clinical.engine import review_due

        return review_due(patient, as_of or self.clock.today(), self.policy)

    def audit(self, pid: str | None = None) -> list[AuditEntry]:
        return self.repo.audit(pid)

    @property
    def connected(self) -> bool:
        """False while a clinic database cannot be reached (saves then fail, nothing is lost)."""
        return self.repo.connected

    def watch(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(patient_id)`` (from another thread) when someone else saves."""
        self.repo.watch(listener)

    # --- the write pattern ---------------------------------------------------------------

    def _change(
        self,
        pid: str,
        action: str,
        apply: Callable[[Patient], str | None],
        changed: Iterable[str] = (),
        *,
        reapply: bool = False,
    ) -> Patient:
        """Copy the patient, let ``apply`` change the copy (returning the record id), put it.

        The save names the version the copy was made from, so a save by someone else in
        between is a ConflictError and nothing is overwritten. With ``reapply`` (changes that
        only add to the record: signing, an addendum, a disclosure) ``apply`` runs again on
        the newer record instead, and its own checks decide (e.g. the note was signed).
        """
        if self.repo.read_only:
            raise ReadOnlyStoreError(self.repo.location)
        expected = getattr(self._expected, "value", None)
        shown = expected[1] if expected is not None and expected[0] == pid else None
        attempts = 3 if reapply else 1
        for attempt in range(1, attempts + 1):
            current, version = self.repo.get_versioned(pid)
            if shown is not None and not reapply and shown != version:
                version = shown  # the form saw an older record: let the store say who changed it
            patient = current.model_copy(deep=True)
            record_id = apply(patient)
            try:
                saved = self.repo.put(
                    patient,
                    action,
                    changed=list(changed),
                    record_id=record_id,
                    expected_version=version,
                    summary=self._summary(patient),
                )
            except ConflictError:
                if attempt == attempts:
                    raise
                continue
            if shown is not None and expected is not None:
                expected[1] = self.repo.get_versioned(pid)[1]
            return saved
        raise AssertionError("unreachable")  # pragma: no cover

    def _summary(self, patient: Patient) -> dict[str, Any] | None:
        """The caseload summary to save with this document. It is derived data: should the
        engine fail on a record the store is about to refuse anyway, the document goes without
        one (the stored summary is then dropped and the caseload computes the row)."""
        try:
            return self.summaries_of([patient])[patient.id]
        except (ValueError, TypeError, AttributeError, KeyError, ArithmeticError):
            return None

    # --- episode -------------------------------------------------------------------------

    def admit(self, patient: Patient) -> Patient:
        if problem := last_use_problem(patient.last_use_at_intake, patient.admission_date):
            raise RecordRuleError("last_use_at_intake", f"last use at intake {problem}")
        return self.repo.add(patient, action="admit", summary=self._summary(patient))

    def change_level(self, pid: str, change: LevelChange) -> Patient:
        if not change.decided_by:
            change = change.model_copy(update={"decided_by": self.clinician})

        def apply(p: Patient) -> str:
            p.level_history = _upsert(p.level_history, change)
            return change.id

        return self._change(pid, "change_level", apply, ["level_history"])

    def record_review(self, pid: str, review: PlanReview) -> Patient:
        if problem := review_problem(review):
            raise RecordRuleError("summary", f"plan review: {problem}")

        def apply(p: Patient) -> str:
            p.reviews = _upsert(p.reviews, review)
            return review.id

        return self._change(pid, "record_review", apply, ["reviews"])

    def discharge(self, pid: str, discharge: Discharge) -> Patient:
        def apply(p: Patient) -> None:
            p.discharge = discharge

        return self._change(pid, "discharge", apply, ["discharge"])

    # --- plan ----------------------------------------------------------------------------

    def add_problem(self, pid: str, problem: Problem) -> Patient:
        """Add a problem, or replace the one with the same id."""

        def apply(p: Patient) -> str:
            p.problems = _upsert(p.problems, problem)
            return problem.id

        return self._change(pid, "upsert_problem", apply, ["problems"])

    update_problem = add_problem

    def add_goal(self, pid: str, problem_id: str, goal: Goal) -> Patient:
        """Add a goal under a problem, or replace the goal with the same id there."""

        def apply(p: Patient) -> str:
            problem = _find(p.problems, problem_id, "problem")
            problem.goals = _upsert(problem.goals, goal)
            return goal.id

        return self._change(pid, "upsert_goal", apply, ["problems"])

    def update_goal(self, pid: str, goal: Goal) -> Patient:
        """Replace a goal wherever it is in the plan."""
        problem = next(
            (pb for pb in self.repo.get(pid).problems if any(g.id == goal.id for g in pb.goals)),
            None,
        )
        if problem is None:
            raise RecordNotFound("goal", goal.id)
        return self.add_goal(pid, problem.id, goal)

    def add_objective(self, pid: str, goal_id: str, objective: Objective) -> Patient:
        """Add an objective under a goal, or replace the objective with the same id there."""

        def apply(p: Patient) -> str:
            goal = _find(p.goals(), goal_id, "goal")
            goal.objectives = _upsert(goal.objectives, objective)
            return objective.id

        return self._change(pid, "upsert_objective", apply, ["problems"])

    def update_objective(self, pid: str, objective: Objective) -> Patient:
        """Replace an objective wherever it is in the plan."""
        goal = next(
            (
                g
                for g in self.repo.get(pid).goals()
                if any(o.id == objective.id for o in g.objectives)
            ),
            None,
        )
        if goal is None:
            raise RecordNotFound("objective", objective.id)
        return self.add_objective(pid, goal.id, objective)

    def set_objective_status(
        self, pid: str, objective_id: str, status: ObjectiveStatus, on: date | None = None
    ) -> Patient:
        """Record a dated status change of an objective (today unless ``on``)."""
        change = StatusChange[ObjectiveStatus](on=on or self.clock.today(), status=status)

        def apply(p: Patient) -> str:
            objective = _find(p.objectives(), objective_id, "objective")
            objective.history = [*objective.history, change]
            return objective_id

        return self._change(pid, "set_objective_status", apply, ["problems"])

    def upsert_intervention(
        self, pid: str, objective_id: str, intervention: Intervention
    ) -> Patient:
        def apply(p: Patient) -> str:
            objective = _find(p.objectives(), objective_id, "objective")
            objective.interventions = _upsert(objective.interventions, intervention)
            return intervention.id

        return self._change(pid, "upsert_intervention", apply, ["problems"])

    def _upsert_field(self, pid: str, field: str, item: _HasId, action: str) -> Patient:
        def apply(p: Patient) -> str:
            setattr(p, field, _upsert(getattr(p, field), item))
            return item.id

        return self._change(pid, action, apply, [field])

    def upsert_snap(self, pid: str, item: SnapItem) -> Patient:
        return self._upsert_field(pid, "snap", item, "upsert_snap")

    def upsert_risk(self, pid: str, risk: Risk) -> Patient:
        return self._upsert_field(pid, "risks", risk, "upsert_risk")

    def add_risk_event(self, pid: str, event: RiskEvent) -> Patient:
        return self._upsert_field(pid, "risk_events", event, "add_risk_event")

    def upsert_support(self, pid: str, support: SupportPerson) -> Patient:
        return self._upsert_field(pid, "supports", support, "upsert_support")

    def upsert_group(self, pid: str, group: SupportGroup) -> Patient:
        return self._upsert_field(pid, "groups", group, "upsert_group")

    def upsert_medication(self, pid: str, medication: Medication) -> Patient:
        return self._upsert_field(pid, "medications", medication, "upsert_medication")

    def _set_written_plan(self, pid: str, field: str, plan: W, action: str) -> Patient:
        """Write or update a written plan: an edit under the same written date records today
        as the day it was updated; a new written date means it was written anew."""

        def apply(p: Patient) -> None:
            before = getattr(p, field)
            kept = plan
            rewritten = before is None or plan.written_on != before.written_on
            if not rewritten and plan.changed_from(before):
                kept = plan.model_copy(update={"updated_on": self.clock.today()})
            elif not rewritten:
                kept = before
            setattr(p, field, kept)

        return self._change(pid, action, apply, [field])

    def set_relapse_plan(self, pid: str, plan: RelapsePreventionPlan) -> Patient:
        return self._set_written_plan(pid, "relapse_prevention", plan, "set_relapse_plan")

    def set_aftercare(self, pid: str, plan: AftercarePlan) -> Patient:
        return self._set_written_plan(pid, "aftercare", plan, "set_aftercare")

    def record_naloxone(self, pid: str, check: NaloxoneCheck) -> Patient:
        def apply(p: Patient) -> None:
            p.naloxone_checks = [*p.naloxone_checks, check]

        return self._change(pid, "record_naloxone", apply, ["naloxone_checks"])

    # --- notes ---------------------------------------------------------------------------

    def _check_note(self, patient: Patient, note: ProgressNote) -> None:
        if problem := service_date_problem(patient, note.date_of_service, self.clock.today()):
            raise RecordRuleError("date_of_service", f"date of service {problem}")
        if problem := self.linked_session_problem(note):
            raise RecordRuleError("session_id", f"linked session: {problem}")

    def _put_note(self, pid: str, note: ProgressNote, action: str) -> Patient:
        def apply(p: Patient) -> str:
            existing = p.find_note(note.id)
            if existing is not None and existing.signed:
                raise SignedNoteError(note.id, "it cannot be edited")
            self._check_note(p, note)
            p.notes = _upsert(p.notes, note)
            return note.id

        return self._change(pid, action, apply, ["notes"])

    def save_draft(self, pid: str, note: ProgressNote) -> Patient:
        """Create or replace an unsigned note; a signed note is locked (SignedNoteError)."""
        if note.signed:
            raise NoteStateError("a draft cannot carry a signature; save it, then sign it")
        return self._put_note(pid, note, "save_draft")

    def sign_new_note(self, pid: str, note: ProgressNote) -> Patient:
        """Save a note (new or a draft's latest text) and sign it in one transaction: a failed
        save leaves no half-done draft, a refused one nothing at all."""
        if note.signed:
            raise SignedNoteError(note.id, "it is already signed")
        _check_signable(note)
        signed = note.model_copy(
            update={"signed_at": self.clock.now(), "signed_by": self.clinician}
        )
        return self._put_note(pid, signed, "sign_note")

    def sign_note(self, pid: str, note_id: str) -> Patient:
        """Sign a draft now, as this clinician; from then on it only takes addenda."""

        def apply(p: Patient) -> str:
            note = _find(p.notes, note_id, "note")
            if note.signed:
                raise SignedNoteError(note_id, "it is already signed")
            _check_signable(note)
            signed = note.model_copy(
                update={
                    "signed_at": self.clock.now(),
                    "signed_by": self.clinician,
                    "cosign_required": self.requires_cosignature,
                }
            )
            self._check_note(p, signed)
            p.notes = _upsert(p.notes, signed)
            return note_id

        return self._change(pid, "sign_note", apply, ["notes"], reapply=True)

    def add_addendum(self, pid: str, note_id: str, addendum: Addendum) -> Patient:
        def apply(p: Patient) -> str:
            note = _find(p.notes, note_id, "note")
            if not note.signed:
                raise NoteStateError(
                    f"note {note_id} is a draft: edit it instead of adding an addendum"
                )
            p.notes = _upsert(
                p.notes, note.model_copy(update={"addenda": [*note.addenda, addendum]})
            )
            return addendum.id

        return self._change(pid, "add_addendum", apply, ["notes"], reapply=True)

    def delete_draft(self, pid: str, note_id: str) -> Patient:
        def apply(p: Patient) -> str:
            note = _find(p.notes, note_id, "note")
            if note.signed:
                raise SignedNoteError(note_id, "it cannot be deleted")
            p.notes = [n for n in p.notes if n.id != note_id]
            return note_id

        return self._change(pid, "delete_draft", apply, ["notes"])

    # --- decisions -----------------------------------------------------------------------

    def record_decision(
        self,
        pid: str,
        suggestion: Suggestion,
        outcome: DecisionOutcome,
        rationale: str,
        follow_up_on: date | None = None,
    ) -> Decision:
        """Keep the clinician's answer with a copy of the suggestion it answered.

        Accepting a suggestion whose target names a level records the new level/schedule from
        today (missing target days or hours keep the current ones). A step down from level 1
        (target without a level) means discharge is the next step: the decision is recorded
        and the level left alone; discharge is its own use case.
        """
        if suggestion.patient_id != pid:
            raise ServiceError("the suggestion belongs to another patient")
        if DecisionOutcome(outcome) is DecisionOutcome.DEFER and follow_up_on is None:
            follow_up_on = self.default_follow_up()
        if problem := follow_up_problem(
            DecisionOutcome(outcome), follow_up_on, self.clock.today()
        ):
            raise RecordRuleError("follow_up_on", f"follow-up date {problem}")
        decision = Decision(
            follow_up_on=follow_up_on,
            decided_at=self.clock.now(),
            decided_by=self.clinician,
            outcome=DecisionOutcome(outcome),
            rationale=rationale,
            suggestion=suggestion,
        )
        patient = self.repo.get(pid)
        change = self._accepted_change(patient, decision)
        if change is not None:
            decision = decision.model_copy(update={"level_change": change})

        def apply(p: Patient) -> str:
            p.decisions = [*p.decisions, decision]
            if change is not None:
                p.level_history = [*p.level_history, change]
            return decision.id

        fields = ["decisions", "level_history"] if change is not None else ["decisions"]
        self._change(pid, "record_decision", apply, fields)
        return decision

    def default_follow_up(self) -> date:
        """When a deferred decision comes back to the worklist unless the counselor says."""
        return self.clock.today() + timedelta(days=self.policy.alerts.deferred_decision_due_days)

    def accept_preview(self, pid: str, suggestion: Suggestion) -> AcceptPreview:
        """What accepting would change besides the level: the review due date (its cadence
        follows the level) and the interventions whose frequencies were set for the old one."""
        from tplan.clinical.engine import review_due

        patient = self.repo.get(pid)
        today = self.clock.today()
        probe = Decision(
            decided_at=self.clock.now(),
            decided_by=self.clinician,
            outcome=DecisionOutcome.ACCEPT,
            rationale="preview",
            suggestion=suggestion,
        )
        change = self._accepted_change(patient, probe)
        if change is None:
            return AcceptPreview(None, None, ())
        after = patient.model_copy(update={"level_history": [*patient.level_history, change]})
        frequencies = tuple(
            (objective.id, intervention)
            for objective in patient.objectives()
            for intervention in objective.interventions
            if intervention.active
        )
        return AcceptPreview(
            review_due(patient, today, self.policy), review_due(after, today, self.policy),
            frequencies,
        )

    def _accepted_change(self, patient: Patient, decision: Decision) -> LevelChange | None:
        target = decision.suggestion.target
        if decision.outcome is not DecisionOutcome.ACCEPT or target is None:
            return None
        if target.level is None:
            return None
        today = self.clock.today()
        current = patient.level_on(today) or patient.current_level
        days = target.days_per_week if target.days_per_week is not None else current.days_per_week
        hours = (
            target.hours_per_week if target.hours_per_week is not None else current.hours_per_week
        )
        if (target.level, days, hours) == (
            current.level,
            current.days_per_week,
            current.hours_per_week,
        ):
            return None  # e.g. intensify with added services only
        return LevelChange(
            start=today,
            level=target.level,
            edition=current.edition,
            days_per_week=days,
            hours_per_week=hours,
            reason=decision.rationale,
            decided_by=self.clinician,
            decision_id=decision.id,
        )

    # --- exports and interchange ---------------------------------------------------------

    def export(
        self,
        pid: str,
        fmt: ExportFormat | str,
        path: Path | str | None = None,
        *,
        as_of: date | None = None,
        recipient: str = "internal chart copy",
        purpose: str = "treatment/payment/operations",
        consent: str = "treatment/payment/operations",
        redact: bool = False,
        force: bool = False,
    ) -> Path:
        """Write one patient's snapshot (0600, atomically) and log the disclosure.

        ``path`` is a file, a directory (the default file name goes in it) or None (the
        ``export_folder`` of the settings, else the current directory). An existing file is
        refused unless ``force``. The disclosure is appended to the patient's ``disclosures``
        (and audited as ``export``) with status ``started`` *before* the file appears under
        its name, then marked ``completed`` (``failed`` when the file never appeared): see
        ``tplan.services.disclosure``. So no copy exists without its log entry, even if the
        process is killed half way.
        """
        from tplan.export import ExportError, default_filename, render
        from tplan.export.disclosure import consent_or_default, consent_problem

        if self.repo.read_only:
            raise ReadOnlyStoreError(self.repo.location)
        fmt = ExportFormat(fmt)
        day = as_of or self.clock.today()
        problem = consent_problem(recipient, purpose, consent)
        if problem:
            raise ExportRefused(problem)
        consent = consent_or_default(recipient, purpose, consent)
        patient = self.repo.get(pid)
        export_id = new_id("ex")
        tag = export_id.removeprefix("ex-")[:8]
        target = self._export_path(
            path, default_filename(patient, fmt, day, redact=redact, tag=tag)
        )
        if target.exists() and not force:
            raise ExportRefused(
                f"{target} already exists; choose another name or allow overwriting"
            )
        now = self.clock.now()
        entry = ExportLogEntry(
            id=export_id,
            at=now,
            by=self.clinician,
            format=fmt,
            as_of=day,
            recipient=recipient,
            purpose=purpose,
            consent=consent,
            redacted=redact,
            file_name=target.name,
            status=DisclosureStatus.STARTED,
        )
        suggestion = suggest(patient, day, self.policy) if patient.active else None
        try:
            data = render(
                patient,
                fmt,
                as_of=day,
                generated_at=document_time(now),
                suggestion=suggestion,
                redact=redact,
                disclosure=entry,
                sessions=self.expected_sessions(pid, patient.admission_date, day),
            )
        except ExportError as exc:
            raise ExportRefused(str(exc)) from None
        temp = disclosure.stage(target, data)

        def log(p: Patient) -> str:
            p.disclosures = [*p.disclosures, entry]
            return entry.id

        try:
            self._change(pid, "export", log, ["disclosures"], reapply=True)
        except BaseException:
            disclosure.discard(temp)
            raise
        try:
            disclosure.step("logged")
            disclosure.publish(temp, target, force=force)
        except BaseException:
            disclosure.discard(temp)
            with contextlib.suppress(StoreError, ValidationError):
                self._disclosure_status(pid, entry.id, DisclosureStatus.FAILED)
            raise
        disclosure.step("published")
        # The file is out and logged; if even this last line fails it stays "started".
        with contextlib.suppress(StoreError, ValidationError):
            self._disclosure_status(pid, entry.id, DisclosureStatus.COMPLETED)
        disclosure.step("completed")
        return target

    def _disclosure_status(self, pid: str, entry_id: str, status: DisclosureStatus) -> None:
        self.repo.set_disclosure_status(pid, entry_id, status)

    def _export_path(self, path: Path | str | None, default_name: str) -> Path:
        """The file ``path`` names; a folder gets ``default_name`` in it, and no path at all the
        settings' export folder (else the current one), which the write creates 0700."""
        if path is None:
            return (self.export_folder or Path.cwd()) / default_name
        target = Path(path).expanduser()
        return target / default_name if target.is_dir() else target

    def export_all(
        self, path: Path | str | None = None, *, force: bool = False
    ) -> tuple[Path, int]:
        """Every patient (discharged too, by id) in one interchange file, to move records
        between a file and a clinic database; audited (``export_all``) before it is written."""
        if self.repo.read_only:
            raise ReadOnlyStoreError(self.repo.location)
        day = self.clock.today()
        target = self._export_path(path, f"tplan-all-{day.isoformat()}.json")
        if target.exists() and not force:
            raise ExportRefused(
                f"{target} already exists; choose another name or allow overwriting"
            )
        patients = sorted(self.repo.all_patients(), key=lambda p: p.id)
        data = self.envelope(patients, day).model_dump_json(indent=2).encode()
        self.repo.record_event("export_all", f"{len(patients)} patient(s) to {target.name}")
        return write_new_file(target, data, force=force), len(patients)

    def envelope(self, patients: Iterable[Patient], as_of: date | None = None) -> Envelope:
        """The interchange envelope for ``patients`` (generated now, as of today by default)."""
        return build_envelope(patients, as_of or self.clock.today(), self.clock.now())

    def import_patients(self, patients: Iterable[Patient]) -> list[Patient]:
        """Add patients all or nothing; ids already in the file are refused by name."""
        patients = list(patients)
        taken = [
            f"record #{i}: patient id {p.id} is already in this file"
            for i, p in enumerate(patients, start=1)
            if p.id in self.repo
        ]
        today = self.clock.today()
        broken = [
            f"record #{i}: {problem}"
            for i, p in enumerate(patients, start=1)
            for problem in record_problems(p, today)
        ]
        broken += [
            f"record #{i}: note {note.id}: linked session {problem}"
            for i, p in enumerate(patients, start=1)
            for note in p.notes
            if (problem := self.linked_session_problem(note))
        ]
        if taken or broken:
            raise ImportError_("the import", [*taken, *broken])
        return self.repo.import_patients(
            patients, action="import", summaries=self.summaries_of(patients)
        )

    def import_envelope(self, path: Path | str) -> list[Patient]:
        """Read, validate and add every patient of an interchange file, or none of them."""
        envelope = read_envelope(Path(path))
        try:
            return self.import_patients(envelope.patients)
        except ImportError_ as exc:
            raise ImportError_(str(path), exc.problems) from None

