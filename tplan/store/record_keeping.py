"""What both repositories (the record file's and the clinic database's) share with the record
mixins they are built from: who a change is audited as, the audit entry itself, the read-only
check the mixins call, and closing at the end of a ``with`` block."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from tplan.store.audit import AuditEntry, now


class RecordKeeping:
    """Base of ``Repository``, ``PostgresRepository`` and their record mixins."""

    read_only: bool
    clinician: str
    _os_user: str

    def _require_writable(self) -> None:
        """Refuse a write (ReadOnlyStoreError naming the store) when opened read-only."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

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
