"""Groups, sessions and attendance in their own tables: journal, audit, lock and read-only
guarantees as for patients, and a whole roster's attendance saved as one transaction."""

from __future__ import annotations

import errno
import json
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from store_factories import without_checksums

from tplan.domain import (
    AttendanceRecord,
    AttendanceStatus,
    RosterEntry,
    Session,
    SessionStatus,
    TreatmentGroup,
    TreatmentGroupKind,
    Weekday,
    WeeklyPattern,
)
from tplan.store import (
    CorruptStoreError,
    ReadOnlyStoreError,
    SaveError,
    StoreLockedError,
    open_repository,
)
from tplan.store.clinic_records import ClinicRecordNotFound

MON = date(2026, 11, 23)
AT = datetime(2026, 11, 23, 21, 5, tzinfo=UTC)
SECRET_REASON = "Zanzibar-7Q court hearing"


def a_group(members: int = 12) -> TreatmentGroup:
    return TreatmentGroup(
        name="Evening relapse prevention",
        kind=TreatmentGroupKind.RELAPSE_PREVENTION,
        facilitators=["J. Park"],
        active_from=date(2026, 9, 1),
        schedule=[
            WeeklyPattern(
                start=date(2026, 9, 1),
                weekdays=[Weekday.MON, Weekday.WED, Weekday.THU],
                start_time=time(18),
                duration_minutes=180,
            )
        ],
        roster=[
            RosterEntry(patient_id=f"pt-{n:03d}", joined=date(2026, 11, 1)) for n in range(members)
        ],
    )


def a_session(group: TreatmentGroup, on: date = MON) -> Session:
    return Session(on=on, group_id=group.id, start=time(18), end=time(21), facilitators=["J. Park"])


def roster_records(session: Session, group: TreatmentGroup) -> list[AttendanceRecord]:
    statuses = [AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED]
    return [
        AttendanceRecord(
            session_id=session.id,
            patient_id=pid,
            status=statuses[n % 3],
            reason=SECRET_REASON if statuses[n % 3] is AttendanceStatus.EXCUSED else "",
            recorded_by="J. Park",
            recorded_at=AT,
        )
        for n, pid in enumerate(group.members_on(session.on))
    ]


def journal_lines(db_path: Path) -> list[str]:
    path = db_path.with_name(db_path.name + ".journal")
    return path.read_text().splitlines()[1:] if path.exists() else []


def test_groups_sessions_and_attendance_round_trip(db_path: Path) -> None:
    with open_repository(db_path, "J. Park") as repo:
        group = repo.save_group(a_group(), "create group")
        new = a_session(group)
        session, records = repo.record_attendance(
            new, roster_records(new, group), "record attendance"
        )
    with open_repository(db_path) as repo:
        assert repo.groups() == [group]
        assert repo.sessions_between(MON, MON) == [session]
        assert repo.sessions_between(date(2026, 11, 24), date(2026, 12, 31)) == []
        assert sorted(repo.attendance_for([session.id]), key=lambda r: r.patient_id) == sorted(
            records, key=lambda r: r.patient_id
        )
        with pytest.raises(ClinicRecordNotFound, match="no group with id 'gr-nope'"):
            repo.get_group("gr-nope")


def test_a_roster_is_saved_as_one_journal_line_with_an_audit_entry_per_member(
    db_path: Path,
) -> None:
    with open_repository(db_path, "J. Park") as repo:
        group = repo.save_group(a_group(12), "create group")
        lines_before = len(journal_lines(db_path))
        session = a_session(group)
        repo.record_attendance(session, roster_records(session, group), "record attendance")
        lines = journal_lines(db_path)
        assert len(lines) == lines_before + 1
        payload = json.loads(lines[-1].split(" ", 1)[1])
        tables = [table for table, _, _ in payload]
        assert tables.count("sessions") == 1
        assert tables.count("attendance") == 12
        assert tables.count("audit") == 12
        entries = [e for e in repo.audit() if e.action == "record attendance"]
        assert {e.patient_id for e in entries} == set(group.members_on(MON))
        assert all(e.record_id == session.id and e.fields == ("attendance",) for e in entries)
        assert (
            SECRET_REASON
            not in db_path.with_name(db_path.name + ".journal").read_text().split('"audit"')[-1]
        )


def test_re_recording_replaces_a_members_record_and_audits_the_fields(db_path: Path) -> None:
    with open_repository(db_path, "J. Park") as repo:
        group = repo.save_group(a_group(3), "create group")
        session = a_session(group)
        _, first = repo.record_attendance(session, roster_records(session, group), "record")
        absent = next(r for r in first if r.status is AttendanceStatus.ABSENT)
        late = AttendanceRecord(
            session_id=session.id,
            patient_id=absent.patient_id,
            status=AttendanceStatus.LATE,
            late_minutes=15,
            recorded_by="J. Park",
            recorded_at=AT,
        )
        _, after = repo.record_attendance(session, [late], "correct attendance")
        assert len(after) == 3
        changed = next(r for r in after if r.patient_id == absent.patient_id)
        assert changed.id == absent.id and changed.status is AttendanceStatus.LATE
        (entry,) = [e for e in repo.audit() if e.action == "correct attendance"]
        assert set(entry.fields) == {"status", "late_minutes"}
        lines = len(journal_lines(db_path))
        repo.record_attendance(session, [late], "correct attendance")  # nothing changed
        assert len(journal_lines(db_path)) == lines


def test_one_session_per_group_and_day(db_path: Path) -> None:
    with open_repository(db_path, "J. Park") as repo:
        group = repo.save_group(a_group(), "create group")
        repo.save_session(a_session(group), "create session")
        with pytest.raises(ValueError, match="already recorded as a session"):
            repo.save_session(a_session(group), "create session")


def test_cancelling_and_moving_a_session_keeps_the_day_index(db_path: Path) -> None:
    with open_repository(db_path, "J. Park") as repo:
        group = repo.save_group(a_group(), "create group")
        session = repo.save_session(a_session(group), "create session")
        cancelled = session.model_copy(
            update={"status": SessionStatus.CANCELLED, "cancel_reason": "Thanksgiving"}
        )
        repo.save_session(cancelled, "cancel session")
        moved = repo.save_session(
            cancelled.model_copy(update={"on": date(2026, 11, 25)}), "move session"
        )
        assert repo.sessions_between(MON, MON) == []
        assert repo.sessions_between(MON, date(2026, 11, 30)) == [moved]
        fields = [e.fields for e in repo.audit() if e.record_id == session.id]
        assert fields == [("session",), ("status", "cancel_reason"), ("on",)]
    with open_repository(db_path) as repo:
        assert repo.sessions_between(date(2026, 11, 25), date(2026, 11, 25)) == [moved]


def test_a_failed_save_leaves_nothing_behind(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_repository(db_path, "J. Park") as repo:
        group = repo.save_group(a_group(4), "create group")
        before = db_path.read_bytes()
        lines = journal_lines(db_path)

        def full(*_args: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr("tplan.store.journal.os.fsync", full)
        session = a_session(group)
        with pytest.raises(SaveError, match="Nothing was saved"):
            repo.record_attendance(session, roster_records(session, group), "record")
        monkeypatch.undo()
        assert db_path.read_bytes() == before and journal_lines(db_path) == lines
        assert repo.sessions_between(MON, MON) == []
        assert repo.attendance_for([session.id]) == []
        repo.record_attendance(session, roster_records(session, group), "record")
        assert len(repo.attendance_for([session.id])) == 4


def test_read_only_and_locked_files_refuse_writes(db_path: Path) -> None:
    with open_repository(db_path, "J. Park") as repo:
        group = repo.save_group(a_group(), "create group")
        with pytest.raises(StoreLockedError):
            open_repository(db_path)
        with open_repository(db_path, read_only=True) as reader:
            assert reader.groups() == [group]
            with pytest.raises(ReadOnlyStoreError):
                reader.save_group(group.model_copy(update={"name": "Renamed"}), "rename")
            with pytest.raises(ReadOnlyStoreError):
                session = a_session(group)
                reader.record_attendance(session, roster_records(session, group), "record")


def test_a_damaged_session_is_refused_when_read_and_blocks_compaction(db_path: Path) -> None:
    with open_repository(db_path, "J. Park") as repo:
        group = repo.save_group(a_group(), "create group")
        repo.save_session(a_session(group), "create session")
    raw = json.loads(db_path.read_text())
    (doc,) = raw["sessions"].values()
    doc["end"] = "17:00"  # before its start: does not load
    db_path.write_text(json.dumps(without_checksums(raw)))  # an edit the checksum would refuse
    damaged = db_path.read_bytes()
    with open_repository(db_path, "J. Park") as repo:
        assert repo.groups() == [group]  # the rest still opens
        with pytest.raises(CorruptStoreError, match="session document 1 does not load"):
            repo.sessions_between(MON, MON)
        repo.save_group(group.model_copy(update={"location": "Room 2"}), "edit group")
        with pytest.raises(CorruptStoreError):
            repo.verify_all()
    assert db_path.read_bytes() == damaged  # the damaged snapshot was not rewritten
