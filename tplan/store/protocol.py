"""The storage interface the services depend on, whichever backend holds the records.

Two backends implement it: :class:`tplan.store.Repository` (one counselor's TinyDB file) and
:class:`tplan.store.postgres.PostgresRepository` (a clinic's PostgreSQL database).
``tplan.store.open_store`` picks one from the database location; nothing above the store
learns which one it got.

Every patient has a version that grows by one with each save. A save names the version its
change was made on (``expected_version``); when someone else saved the patient meanwhile the
store refuses with :class:`tplan.store.ConflictError` and overwrites nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    from tplan.domain import (
        AttendanceRecord,
        DisclosureStatus,
        ExportLogEntry,
        Patient,
        Session,
        TreatmentGroup,
    )
    from tplan.domain.group_notes import GroupNote
    from tplan.store.audit import AuditEntry

ChangeListener = Callable[[str], None]
"""Called with a patient id when another session saved that patient (from another thread)."""

ClinicChangeListener = Callable[[str, str], None]
"""Called with ("group", id) or ("session", id) when another session saved a group, or a
session, its attendance or its group note (from another thread); ("", "") after a
reconnection: anything may have changed."""


class PatientStore(Protocol):
    """What the Workspace needs from a store of patient records."""

    clinician: str
    read_only: bool

    @property
    def location(self) -> str:
        """Where the records are, fit for a message (a path, or a URL without its password)."""
        ...

    @property
    def connected(self) -> bool:
        """False while the store cannot reach its records (a lost server connection)."""
        ...

    # --- reads ---------------------------------------------------------------------------

    def active_ids(self) -> list[str]: ...

    def discharged_ids(self) -> list[str]: ...

    def stored_names(self, patient_ids: Iterable[str]) -> dict[str, str]: ...

    def active_patients(self) -> list[Patient]: ...

    def all_patients(self) -> list[Patient]: ...

    def get(self, patient_id: str) -> Patient: ...

    def loadable(self, patient_ids: Iterable[str]) -> list[Patient]:
        """These patients, leaving out those whose record does not load."""
        ...

    def damaged_records(self) -> dict[str, str]:
        """Patient id -> why its record does not load (kept as it is, left out of lists)."""
        ...

    def get_versioned(self, patient_id: str) -> tuple[Patient, int]:
        """The patient and the version it was read at, as one consistent pair."""
        ...

    def caseload_summaries(self) -> dict[str, dict[str, Any] | None]:
        """Every active patient id -> the caseload summary saved with its current document, or
        None when there is none. Reads no patient document and validates nothing (the
        caseload's first paint needs neither pydantic nor the domain)."""
        ...

    def __contains__(self, patient_id: object) -> bool: ...

    def __len__(self) -> int: ...

    def audit(self, patient_id: str | None = None) -> list[AuditEntry]: ...

    def disclosures(self, patient_id: str) -> list[ExportLogEntry]:
        """The patient's disclosure log (exports), oldest first."""
        ...

    # --- writes --------------------------------------------------------------------------

    # A write carries each patient's caseload summary (an opaque JSON object the services
    # compute) in the same transaction as the document; a document written without one drops
    # the stored one, so a summary that is there always describes the current document.

    def add(
        self, patient: Patient, action: str = "admit", *, summary: Mapping[str, Any] | None = None
    ) -> Patient: ...

    def import_patients(
        self,
        patients: Iterable[Patient],
        action: str = "import",
        *,
        summaries: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> list[Patient]:
        """Store new patients all or nothing, each with its caseload summary from ``summaries``
        (patient id -> summary) if it has one; duplicate ids are refused."""
        ...

    def put(
        self,
        patient: Patient,
        action: str,
        changed: Iterable[str] | None = None,
        record_id: str | None = None,
        *,
        expected_version: int | None = None,
        summary: Mapping[str, Any] | None = None,
    ) -> Patient: ...

    def save_summaries(self, summaries: Mapping[str, tuple[int, Mapping[str, Any]]]) -> int:
        """Write fresher summaries back (patient id -> (version computed from, summary)), each
        only if the patient is still at that version (else skipped: a newer save carried its
        own); no audit entry. Returns how many were written (0 when read-only)."""
        ...

    def record_event(self, action: str, detail: str) -> None:
        """Audit an action that concerns no single patient (e.g. a whole export)."""
        ...

    # --- the clinic's groups, sessions and attendance -------------------------------------

    def groups(self) -> list[TreatmentGroup]: ...

    def get_group(self, group_id: str) -> TreatmentGroup: ...

    def get_session(self, session_id: str) -> Session: ...

    def sessions_between(self, first: date, last: date) -> list[Session]: ...

    def attendance_for(self, session_ids: Iterable[str]) -> list[AttendanceRecord]: ...

    def save_group(self, group: TreatmentGroup, action: str) -> TreatmentGroup: ...

    def save_groups(self, groups: Sequence[TreatmentGroup], action: str) -> list[TreatmentGroup]:
        """Several groups saved as one transaction (all of them or none), e.g. the rosters a
        level change ends or starts stays on."""
        ...

    def save_session(self, session: Session, action: str) -> Session: ...

    def record_attendance(
        self, session: Session, records: Iterable[AttendanceRecord], action: str
    ) -> tuple[Session, list[AttendanceRecord]]:
        """The session and its members' attendance, saved as one transaction. A record
        replaces the one already stored for the same patient and session; every patient gets
        an audit entry naming the session and the field names that changed."""
        ...

    def set_disclosure_status(
        self, patient_id: str, entry_id: str, status: DisclosureStatus
    ) -> Patient:
        """Mark how an export ended on its disclosure entry (audited with the export)."""
        ...

    def group_note_for(self, session_id: str) -> GroupNote | None: ...

    def save_group_note(self, note: GroupNote, action: str) -> GroupNote: ...

    def save_patients_with_group_note(
        self,
        patients: Iterable[Patient],
        note: GroupNote,
        action: str,
        *,
        summaries: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> tuple[list[Patient], GroupNote]:
        """Members' charts and the signed group note, saved as one transaction (all of them or
        none), each chart with its caseload summary from ``summaries`` if given (else its stored
        one goes); signed notes already in a chart stay locked."""
        ...

    # --- session -------------------------------------------------------------------------

    def watch(self, listener: ChangeListener) -> None:
        """Call ``listener`` when another session changes a patient (no-op where none can)."""
        ...

    def watch_clinic(self, listener: ClinicChangeListener) -> None:
        """Call ``listener`` when another session changes a group or a session (no-op where
        none can)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
