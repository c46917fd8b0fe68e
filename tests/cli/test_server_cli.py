"""`tplan server init|migrate|import` and `tplan export --all` against a real PostgreSQL server,
run in-process like a script user would run them."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path

import pytest
from postgres_server import TestServer

from tplan.cli import main
from tplan.domain import (
    PART2_NOTICE,
    AttendanceStatus,
    RosterEntry,
    TreatmentGroup,
    TreatmentGroupKind,
    Weekday,
    WeeklyPattern,
)
from tplan.services import FixedClock, Mark, SessionKey, Workspace
from tplan.store import open_store

AS_OF = "2026-03-12"
TODAY = date.fromisoformat(AS_OF)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def add_a_group_session(db: Path) -> None:
    """A group that met today with two demo patients present (the demo has no groups yet)."""
    members = ["demo-casey-thistlewood", "demo-avery-quill"]
    ws = Workspace(open_store(db, "J. Park"), FixedClock(TODAY), clinician="J. Park")
    try:
        group = ws.save_group(
            TreatmentGroup(
                name="Thursday relapse prevention",
                kind=TreatmentGroupKind.RELAPSE_PREVENTION,
                facilitators=["J. Park"],
                active_from=TODAY,
                schedule=[
                    WeeklyPattern(start=TODAY, weekdays=[Weekday.THU], start_time=time(18),
                                  duration_minutes=120)
                ],
                roster=[RosterEntry(patient_id=pid, joined=TODAY) for pid in members],
            )
        )
        session = ws.session(SessionKey(group.id, TODAY))
        ws.record_attendance(session, dict.fromkeys(members, Mark(AttendanceStatus.PRESENT)))
    finally:
        ws.close()


def test_moving_the_demo_into_a_server_is_exact(
    postgres_server: TestServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TPLAN_CLINICIAN", "J. Park")
    demo = tmp_path / "demo.json"
    assert run(capsys, "demo", "--out", str(demo), "--as-of", AS_OF)[0] == 0
    # a disclosure, so the log has something to carry over
    code, _, err = run(capsys, "export", "demo-casey-thistlewood", "--format", "md", "-o",
                       str(tmp_path / "casey.md"), "--db", str(demo), "--as-of", AS_OF)
    assert code == 0, err
    add_a_group_session(demo)
    url = postgres_server.empty_database()

    code, out, _ = run(capsys, "server", "init", url)
    assert code == 0 and "Created tplan's tables" in out
    code, out, _ = run(capsys, "server", "migrate", url)
    assert code == 0 and "up to date" in out
    code, out, err = run(capsys, "server", "import", str(demo), url)
    assert code == 0, err
    with open_store(demo, read_only=True) as source, open_store(url) as target:
        assert f"Imported {len(source)} patient(s), {len(source.audit())} audit entries" in out
        assert "1 disclosure(s), 1 group(s), 1 session(s) and 2 attendance record(s)" in out
        assert target.groups() == source.groups()
        (session,) = source.all_sessions()
        assert target.sessions_between(session.on, session.on) == [session]
        by_id = lambda records: sorted(records, key=lambda r: r.id)  # noqa: E731
        assert by_id(target.attendance_for([session.id])) == by_id(
            source.attendance_for([session.id])
        )
        assert target.audit() == source.audit()
        assert target.disclosures("demo-casey-thistlewood") == source.disclosures(
            "demo-casey-thistlewood"
        )
        signed = [n for p in source.all_patients() for n in p.notes if n.signed]
        assert signed and all(
            target.get(p.id).notes == p.notes for p in source.all_patients()
        )

    code, out, err = run(capsys, "server", "import", str(demo), url)
    assert code == 1 and "already in use" in err and "nothing was saved" in err
    with open_store(url) as target:
        assert len(target.audit()) == len(open_store(demo, read_only=True).audit())

    before, after = tmp_path / "before.json", tmp_path / "after.json"
    for db, out_file in ((str(demo), before), (url, after)):
        code, out, err = run(capsys, "export", "--all", "--format", "json", "-o", str(out_file),
                             "--db", db, "--as-of", AS_OF)
        assert code == 0, err
    assert before.read_bytes() == after.read_bytes()
    assert json.loads(after.read_bytes())["notice"] == PART2_NOTICE


def test_server_commands_refuse_clearly(
    postgres_server: TestServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres_server.new_database()
    code, _, err = run(capsys, "server", "init", url)
    assert code == 1 and "already holds tplan's tables" in err
    with_password = url.replace("postgresql:///", "postgresql://clinic:hunter2@/")
    code, _, err = run(capsys, "server", "migrate", with_password)
    assert code == 1 and "hunter2" not in err and "~/.pgpass" in err
    code, _, err = run(capsys, "caseload", "--db", postgres_server.empty_database())
    assert code == 1 and "tplan server init" in err
    code, _, err = run(capsys, "export", "--all", "--format", "md", "--db", url)
    assert code == 1 and "--format json" in err
