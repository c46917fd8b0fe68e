"""Reading interchange files (all or nothing, every problem named) and writing new files."""

from __future__ import annotations

import contextlib
import os
import re
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from tplan.domain import SCHEMA_VERSION, Envelope, Patient, friendly_errors
from tplan.services.errors import ExportRefused, ImportError_
from tplan.store import write_private_atomic
from tplan.store.files import ensure_private_dir, fsync_dir, write_temp

INTERCHANGE_FORMAT = "tplan.interchange"


_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$")


def record_label(index: int, raw: object) -> str:
    """``record #2 (id pt-…)``: names a record by position and id, never by its content."""
    pid = raw.get("id") if isinstance(raw, dict) else None
    shown = f" (id {pid})" if isinstance(pid, str) and _SAFE_ID.match(pid) else ""
    return f"record #{index}{shown}"


def parse_envelope(raw: bytes, source: str) -> Envelope:
    """Validate an interchange document; ImportError_ lists every invalid record and field."""
    try:
        data: Any = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ImportError_(
            source, [f"not valid JSON (line {exc.lineno}, column {exc.colno})"]
        ) from None
    if not isinstance(data, dict) or data.get("format") != INTERCHANGE_FORMAT:
        raise ImportError_(source, [f"not a tplan interchange file (format {INTERCHANGE_FORMAT})"])
    version = data.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise ImportError_(
            source,
            [f"written by a newer tplan (format {version}, this tplan reads up to "
             f"{SCHEMA_VERSION}); update tplan"],
        )
    records = data.get("patients", [])
    if not isinstance(records, list):
        raise ImportError_(source, ["patients: must be a list"])

    problems: list[str] = []
    try:
        header = Envelope.model_validate({**data, "patients": []})
    except ValidationError as exc:
        problems += [f"envelope: {message}" for message in friendly_errors(exc)]
    patients: list[Patient] = []
    for index, record in enumerate(records, start=1):
        try:
            patients.append(Patient.model_validate(record))
        except ValidationError as exc:
            problems += [f"{record_label(index, record)}: {m}" for m in friendly_errors(exc)]
    counts = Counter(patient.id for patient in patients)
    for index, record in enumerate(records, start=1):
        pid = record.get("id") if isinstance(record, dict) else None
        if isinstance(pid, str) and counts.get(pid, 0) > 1:
            label = record_label(index, record)
            problems.append(f"{label}: patient id {pid} appears more than once")
    if problems:
        raise ImportError_(source, problems)
    return header.model_copy(update={"patients": patients})


def read_envelope(path: Path) -> Envelope:
    """Read and validate an interchange file (see :func:`parse_envelope`)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ImportError_(str(path), [f"cannot be read ({exc.strerror})"]) from None
    return parse_envelope(raw, str(path))


def build_envelope(patients: Iterable[Patient], as_of: date, generated_at: datetime) -> Envelope:
    return Envelope(generated_at=generated_at, as_of=as_of, patients=list(patients))


def write_new_file(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically, 0600; refuse an existing file unless ``force``.

    Without ``force`` the temp file is hard-linked into place, which fails if the name exists,
    so a file appearing meanwhile is never overwritten either.
    """
    path = Path(path)
    if force:
        write_private_atomic(path, data)
        return path
    if path.exists():
        raise ExportRefused(f"{path} already exists; choose another name or allow overwriting")
    ensure_private_dir(path.parent)
    temp = write_temp(path, data)
    try:
        os.link(temp, path)
    except FileExistsError:
        raise ExportRefused(
            f"{path} already exists; choose another name or allow overwriting"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    fsync_dir(path.parent)
    return path
