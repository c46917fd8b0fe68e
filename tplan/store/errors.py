"""Errors of the record store.

Every message names the file (or a record id) and says what to do; none carries record content,
so a message is safe to show, log or print in a traceback.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class StoreError(Exception):
    """Base of every store error; ``str(error)`` is a sentence fit for the user."""


class StoreLockedError(StoreError):
    """Another process has the record file open for writing."""

    def __init__(self, path: Path, holder: str = "") -> None:
        self.path = path
        self.holder = holder
        who = f" ({holder})" if holder else ""
        super().__init__(
            f"{path} is open in another tplan{who}; close it there first, "
            "or look at it read-only with `tplan --read-only`"
        )


class CorruptStoreError(StoreError):
    """The file cannot be read as a tplan database; it was left untouched."""

    def __init__(
        self, path: Path, problem: str, backup: Path | None = None, *, restorable: bool = False
    ) -> None:
        self.path = path
        self.backup = backup
        self.problem = problem
        if backup is not None:
            hint = f" A backup of the last good state is at {backup}; `tplan restore` puts it back."
        elif restorable:
            hint = (" `tplan restore` keeps every save that can be verified and sets the rest "
                    "aside.")
        else:
            hint = ""
        super().__init__(f"cannot read {path}: {problem}. The file was left untouched.{hint}")


def does_not_load(
    path: Path, what: str, exc: ValidationError, backup: Path | None = None
) -> CorruptStoreError:
    """The error for a stored document (``what``: e.g. "session abc") that fails validation:
    how many problems and the first one's field path, never the content."""
    where = " › ".join(str(part) for part in exc.errors()[0]["loc"]) or "record"
    return CorruptStoreError(
        path, f"{what} does not load ({exc.error_count()} problem(s), first at {where})", backup
    )


class UnsafePathError(StoreError):
    """A path tplan would write or read is not a regular file (link, FIFO, directory ...)."""

    def __init__(self, path: Path, what: str, kind: str) -> None:
        self.path = path
        super().__init__(
            f"{path} is not a regular file ({kind}); tplan refuses to use it as its {what} "
            "and left it untouched - move it away or check the path"
        )


class ForeignFileError(StoreError):
    """The file is valid JSON but not a tplan database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"{path} is not a tplan record file (no tplan.db marker); "
            "it was left untouched - check the path"
        )


class NewerSchemaError(StoreError):
    """The file was written by a newer tplan."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path = path
        self.found = found
        self.supported = supported
        super().__init__(
            f"{path} was written by a newer tplan (record format {found}; this tplan reads up to "
            f"{supported}); update tplan to open it. The file was left untouched."
        )


class ReadOnlyStoreError(StoreError):
    """A write was attempted on a store opened read-only."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        super().__init__(f"{path} is open read-only; nothing was saved")


class SaveError(StoreError):
    """Writing failed (disk full, permissions ...): nothing was saved, the file is unchanged."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"could not save to {path}: {reason}. Nothing was saved.")


class NotFoundError(KeyError):
    """A record that is not there: a KeyError whose ``str`` is its sentence, unquoted (KeyError
    would quote the whole message)."""

    def __str__(self) -> str:
        return str(self.args[0])


class PatientNotFound(StoreError, NotFoundError):
    def __init__(self, patient_id: str) -> None:
        self.patient_id = patient_id
        super().__init__(f"no patient with id {patient_id!r}")


class DuplicatePatientError(StoreError):
    def __init__(self, patient_ids: list[str]) -> None:
        self.patient_ids = patient_ids
        super().__init__(f"patient id already in use: {', '.join(patient_ids)}; nothing was saved")


class SignedNoteError(StoreError):
    """A signed note was changed or removed; signed notes only take addenda."""

    def __init__(self, note_id: str, problem: str) -> None:
        self.note_id = note_id
        super().__init__(
            f"note {note_id} is signed and locked: {problem}; add an addendum instead"
        )


class ConflictError(StoreError):
    """Someone else saved the patient after this session read it: nothing was overwritten."""

    def __init__(self, patient_id: str, by: str, at: datetime | None) -> None:
        self.patient_id = patient_id
        self.by = by
        self.at = at
        when = f" at {at.astimezone():%H:%M on %Y-%m-%d}" if at is not None else ""
        super().__init__(
            f"{by or 'another session'} changed this patient's record{when}, after you opened "
            "it; nothing was overwritten. The record has been reloaded: check it and save again"
        )


class StoreUnavailableError(StoreError):
    """The database server cannot be reached; nothing was saved."""

    def __init__(self, location: str) -> None:
        self.location = location
        super().__init__(
            f"the connection to {location} is lost; nothing was saved. tplan reconnects "
            "by itself: try again in a moment"
        )
