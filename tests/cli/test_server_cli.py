"""`tplan server init|migrate|import` and `tplan export --all` against a real PostgreSQL server,
run in-process like a script user would run them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from postgres_server import TestServer

from tplan.cli import main
from tplan.domain import (
    PART2_NOTICE,
)
from tplan.store import open_store

AS_OF = "2026-03-12"
TODAY = date.fromisoformat(AS_OF)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


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
    url = postgres_server.empty_database()

    code, out, _ = run(capsys, "server", "init", url)
    assert code == 0 and "Created tplan's tables" in out
    code, out, _ = run(capsys, "server", "migrate", url)
    assert code == 0 and "up to date" in out
    code, out, err = run(capsys, "server", "import", str(demo), url)
    assert code == 0, err
    with open_store(demo, read_only=True) as source, open_store(url) as target:
        assert f"Imported {len(source)} patient(s), {len(source.audit())} audit entries" in out
        sessions = source.all_sessions()
        attendance = source.attendance_for(s.id for s in sessions)
        assert source.groups() and sessions and attendance  # the demo has its IOP week
        assert (
            f"1 disclosure(s), {len(source.groups())} group(s), {len(sessions)} session(s) and "
            f"{len(attendance)} attendance record(s)" in out
        )
        assert target.groups() == source.groups()
        first, last = sessions[0].on, sessions[-1].on
        assert target.sessions_between(first, last) == sessions
        by_id = lambda records: sorted(records, key=lambda r: r.id)  # noqa: E731
        assert by_id(target.attendance_for(s.id for s in sessions)) == by_id(attendance)
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
    exported = [json.loads(path.read_bytes()) for path in (before, after)]
    for envelope in exported:  # the moment of writing is the real time, seconds apart
        envelope.pop("generated_at")
    assert exported[0] == exported[1]
    assert before.read_bytes().count(b"\n") == after.read_bytes().count(b"\n")
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
