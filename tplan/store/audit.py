"""The append-only audit trail: who did what to which record, and which fields changed.

An entry names fields, never their content, so the trail can be shown or exported without
disclosing the record. The repository only ever inserts into the ``audit`` table.
"""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    by: str
    """The clinician's name as given to the repository, else the OS user."""
    os_user: str
    action: str
    patient_id: str | None
    record_id: str | None
    fields: tuple[str, ...]
    detail: str = ""
    """What a file-level action (e.g. ``restore``) did, in words that hold no record content."""

    def to_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "at": self.at.isoformat(),
            "by": self.by,
            "os_user": self.os_user,
            "action": self.action,
            "patient_id": self.patient_id,
            "record_id": self.record_id,
            "fields": list(self.fields),
        }
        if self.detail:
            document["detail"] = self.detail
        return document

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> AuditEntry:
        return cls(
            at=datetime.fromisoformat(document["at"]),
            by=document["by"],
            os_user=document.get("os_user", ""),
            action=document["action"],
            patient_id=document.get("patient_id"),
            record_id=document.get("record_id"),
            fields=tuple(document.get("fields", ())),
            detail=document.get("detail", ""),
        )


def os_user() -> str:
    """The account this process runs as, from its uid (``$USER`` and ``$LOGNAME`` can be set
    to anything, so they are not asked)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid {os.getuid()}"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def changed_fields(before: BaseModel, after: BaseModel) -> tuple[str, ...]:
    """Names of the top-level fields whose values differ between two versions of a record."""
    return tuple(
        name
        for name in type(after).model_fields
        if getattr(before, name, None) != getattr(after, name, None)
    )
