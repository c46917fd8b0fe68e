"""`tplan server ...`: set up and update a clinic database, and move a record file into it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import psycopg
from pydantic import BaseModel

from tplan.store.errors import StoreError
from tplan.store.postgres.connection import connect
from tplan.store.postgres.repository import open_postgres
from tplan.store.postgres.schema import init_schema, migrate_schema
from tplan.store.postgres.url import checked_url, redact_url
from tplan.store.repository import open_repository


class TransferError(StoreError):
    """The copy did not verify; the transaction was rolled back, nothing was imported."""


def init(url: str) -> str:
    location = redact_url(url)
    with connect(checked_url(url), location) as conn:
        versions = init_schema(conn, location)
    return f"Created tplan's tables in {location} (schema {versions[-1]})"


def migrate(url: str) -> str:
    location = redact_url(url)
    with connect(checked_url(url), location) as conn:
        versions = migrate_schema(conn, location)
    if not versions:
        return f"{location} is up to date"
    return f"Updated {location} to schema {versions[-1]} (applied {', '.join(map(str, versions))})"


@dataclass(frozen=True, slots=True)
class ImportReport:
    location: str
    patients: int
    audit: int
    disclosures: int
    groups: int = 0
    sessions: int = 0
    attendance: int = 0


def checksum(document: dict[str, Any]) -> str:
    """SHA-256 of a document's canonical JSON (keys sorted), the same whoever stored it."""
    return hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()


def import_file(path: Path, url: str, clinician: str = "") -> ImportReport:
    """Copy every patient of a record file (signatures, audit trail, disclosures and caseload
    summaries included) into the clinic database in one transaction, or nothing.

    Inside the transaction, before it commits, the rows are counted and every document read
    back is compared by checksum with the file's; any difference rolls everything back.
    """
    with open_repository(path, clinician, read_only=True, create=False) as source:
        patients = source.all_patients()
        damaged = sorted(source.damaged_records())
        if damaged:  # all_patients leaves them out: the copy would lose them without a word
            raise TransferError(
                f"{len(damaged)} patient record(s) in {path} do not load ({', '.join(damaged)}); "
                "run `tplan restore` on the file first. Nothing was imported."
            )
        audit = source.audit()
        groups = source.groups()
        sessions = source.all_sessions()
        attendance = source.attendance_for(s.id for s in sessions)
        group_notes = [n for s in sessions if (n := source.group_note_for(s.id)) is not None]
        # a summary describes its document, which arrives unchanged: it stays valid
        summaries = {pid: row for pid, row in source.caseload_summaries().items() if row}
    documents = {p.id: p.model_dump(mode="json") for p in patients}
    expected = {pid: checksum(doc) for pid, doc in documents.items()}
    disclosures = sum(len(p.disclosures) for p in patients)
    with open_postgres(url, clinician) as target:
        audit_before = len(target.audit())

        def verify(conn: psycopg.Connection) -> None:
            target.copy_clinic_records(conn, groups, sessions, attendance, group_notes)
            ids = list(expected)
            stored = dict(
                conn.execute(
                    "SELECT id, document FROM patients WHERE id = ANY(%s)", (ids,)
                ).fetchall()
            )
            if len(stored) != len(expected):
                raise TransferError(
                    f"{len(stored)} of {len(expected)} patients arrived; nothing was imported"
                )
            damaged = sorted(pid for pid, doc in stored.items() if checksum(doc) != expected[pid])
            if damaged:
                raise TransferError(
                    f"{len(damaged)} document(s) differ after the copy (first: patient "
                    f"{damaged[0]}); nothing was imported"
                )
            counts = conn.execute(
                "SELECT (SELECT count(*) FROM audit),"
                " (SELECT count(*) FROM disclosures WHERE patient_id = ANY(%s))",
                (ids,),
            ).fetchone()
            if counts != (audit_before + len(audit), disclosures):
                raise TransferError(
                    "the audit trail or disclosure log did not arrive whole; nothing was imported"
                )
            for table, records in (
                ("groups", groups), ("sessions", sessions), ("attendance", attendance),
                ("group_notes", group_notes),
            ):
                _verify_copies(conn, table, records)

        target.insert_rows(
            [(patient, documents[patient.id], 1) for patient in patients],
            audit,
            verify=verify,
            summaries=summaries,
        )
        return ImportReport(
            target.location, len(patients), len(audit), disclosures,
            len(groups), len(sessions), len(attendance),
        )


def _verify_copies(conn: psycopg.Connection, table: str, records: Sequence[BaseModel]) -> None:
    """Every record arrived, and each document has the checksum of the file's."""
    expected = {r.id: checksum(r.model_dump(mode="json")) for r in records}  # type: ignore[attr-defined]
    stored = dict(
        conn.execute(
            f"SELECT id, document FROM {table} WHERE id = ANY(%s)", (list(expected),)
        ).fetchall()
    )
    if len(stored) != len(expected) or any(
        checksum(doc) != expected[rid] for rid, doc in stored.items()
    ):
        raise TransferError(f"the {table} did not arrive exactly; nothing was imported")
