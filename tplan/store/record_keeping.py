"""What both repositories (the record file's and the clinic database's) share with the record
mixins they are built from: who a change is audited as, the audit entry itself, the read-only
check the mixins call, the patient documents they write and read, and closing at the end of a
``with`` block."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from tplan.store.audit import AuditEntry, now
from tplan.store.bulk import paused_gc
from tplan.store.errors import CorruptStoreError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from tplan.domain import Patient


def revalidated(patient: Patient) -> tuple[Patient, dict[str, Any]]:
    """Re-validate a (possibly mutated) patient and return it with its JSON document.

    The store never writes a document that would not load again.
    """
    from tplan.domain import Patient

    stored = Patient.model_validate(patient.model_dump(mode="json"))
    return stored, stored.model_dump(mode="json")


def filled_fields(model: BaseModel) -> tuple[str, ...]:
    """Names of the fields that hold something (for the audit entry of a new record)."""
    return tuple(
        name for name in type(model).model_fields if getattr(model, name) not in (None, "", [])
    )


class RecordKeeping:
    """Base of ``Repository``, ``PostgresRepository`` and their record mixins."""

    read_only: bool
    clinician: str
    _os_user: str
    get: Callable[[str], Patient]

    def _require_writable(self) -> None:
        """Refuse a write (ReadOnlyStoreError naming the store) when opened read-only."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def loadable(self, patient_ids: Iterable[str]) -> list[Patient]:
        """These patients, leaving out (and listing in ``damaged_records``) those that do not
        load."""
        found: list[Patient] = []
        with paused_gc():  # half the time of validating many records went to the cyclic GC
            for patient_id in patient_ids:
                with contextlib.suppress(CorruptStoreError):
                    found.append(self.get(patient_id))
        return found

    def _by(self) -> str:
        return self.clinician or self._os_user

    def _entry(
        self, action: str, patient_id: str | None, record_id: str | None, fields: tuple[str, ...]
    ) -> AuditEntry:
        """The audit entry of a change: who, when, what action, and field names only."""
        return AuditEntry(
            at=now(), by=self._by(), os_user=self._os_user, action=action,
            patient_id=patient_id, record_id=record_id, fields=fields,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
