"""The ``tplan`` command as a script user meets it.

Most commands run in this process through ``tplan.cli.main(argv)`` (stdout, stderr and the exit
code captured, the environment and working directory set as a shell would); the tests marked
``real=True`` start ``python -m tplan.cli`` as a real subprocess, so the entry point, argparse's
exit and the process's own environment are covered end to end too.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tplan.cli import main

AS_OF = "2026-03-12"
KINDS = {"safety_review", "step_up", "intensify", "step_down", "taper", "continue"}


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    """``os.environ`` replaced by ``env`` for the duration (restored afterwards)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _in_process(args: list[str], env: dict[str, str],
                cwd: Path | None) -> subprocess.CompletedProcess[str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        stack.enter_context(_environment(env))
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        try:
            code = main(args)
        except SystemExit as exc:  # argparse: --help and bad usage
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return subprocess.CompletedProcess(["tplan", *args], code, out.getvalue(), err.getvalue())


def tplan(*args: str, env: dict[str, str] | None = None, check: bool = False,
          cwd: Path | None = None, real: bool = False) -> subprocess.CompletedProcess[str]:
    """``tplan ARGS``: in this process, or as ``python -m tplan.cli`` with ``real=True``."""
    inherited = {k: v for k, v in os.environ.items() if k != "TPLAN_DB"}
    full_env = {**inherited, "TPLAN_CLINICIAN": "J. Park", **(env or {})}
    if real:
        done = subprocess.run(
            [sys.executable, "-m", "tplan.cli", *args],
            capture_output=True, text=True, env=full_env, timeout=120, cwd=cwd,
        )
    else:
        done = _in_process(list(args), full_env, cwd)
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.json"
    tplan("demo", "--out", str(path), "--as-of", AS_OF, check=True)
    return path


@pytest.mark.parametrize(
    "command", [[], ["demo"], ["import"], ["caseload"], ["schema"], ["suggest"], ["export"],
                ["restore"]],
)
def test_every_command_has_help(command: list[str]) -> None:
    done = tplan(*command, "--help", real=not command)  # the top-level one as a process
    assert done.returncode == 0
    assert "usage: tplan" in done.stdout


@pytest.mark.parametrize(
    "args",
    [["frobnicate"], ["caseload", "--as-of", "12/03/2026"], ["export", "pt-x"],
     ["export", "pt-x", "--format", "pdf"]],
)
def test_bad_usage_is_one_line_and_exit_code_2(args: list[str]) -> None:
    done = tplan(*args, real=args == ["frobnicate"])
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tplan")


def test_demo_out_writes_a_private_copy_and_never_overwrites(demo_db: Path) -> None:
    assert stat.S_IMODE(demo_db.stat().st_mode) == 0o600
    before = demo_db.read_bytes()
    again = tplan("demo", "--out", str(demo_db))
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert demo_db.read_bytes() == before


def test_caseload_json_lists_active_patients_with_suggestions(demo_db: Path) -> None:
    done = tplan("caseload", "--db", str(demo_db), "--as-of", AS_OF, "--json", check=True)
    rows = json.loads(done.stdout)
    assert len(rows) >= 11
    assert {row["suggestion"] for row in rows} == KINDS
    assert all(row["level"] for row in rows)
    table = tplan("caseload", "--db", str(demo_db), "--as-of", AS_OF, check=True).stdout
    assert rows[0]["display_name"] in table


def test_suggest_json_shows_all_six_kinds_with_reasons(demo_db: Path) -> None:
    done = tplan("suggest", "--db", str(demo_db), "--as-of", AS_OF, "--json", check=True)
    payload = json.loads(done.stdout)
    suggestions = payload["suggestions"]
    assert {s["kind"] for s in suggestions} == KINDS
    for s in suggestions:
        assert s["as_of"] == AS_OF
        if s["kind"] == "continue":
            assert s["unmet_step_down"], s["patient_id"]
        else:
            assert s["fired"], s["patient_id"]
    one = suggestions[0]["patient_id"]
    single = tplan("suggest", one, "--db", str(demo_db), "--as-of", AS_OF, "--json", check=True)
    assert [s["patient_id"] for s in json.loads(single.stdout)["suggestions"]] == [one]
    text = tplan("suggest", one, "--db", str(demo_db), "--as-of", AS_OF, check=True).stdout
    assert one in text


def test_unknown_patient_is_refused_clearly(demo_db: Path) -> None:
    done = tplan("suggest", "pt-nobody", "--db", str(demo_db))
    assert done.returncode == 1
    assert "pt-nobody" in done.stderr
    assert "Traceback" not in done.stderr


def test_schema_is_json_schema_of_the_envelope() -> None:
    schema = json.loads(tplan("schema", check=True).stdout)
    assert schema["title"] == "Envelope"
    assert "patients" in schema["properties"]


def test_import_round_trip_and_all_or_nothing(demo_db: Path, tmp_path: Path) -> None:
    exported = tmp_path / "one.json"
    pid = json.loads(tplan("caseload", "--db", str(demo_db), "--json", "--as-of", AS_OF,
                           check=True).stdout)[0]["patient_id"]
    tplan("export", pid, "--format", "json", "-o", str(exported), "--db", str(demo_db),
          "--as-of", AS_OF, check=True)
    target = tmp_path / "new.json"
    done = tplan("import", str(exported), "--db", str(target), check=True)
    assert "Imported 1 patient" in done.stdout
    again = tplan("import", str(exported), "--db", str(target))
    assert again.returncode == 1 and pid in again.stderr

    bad = json.loads(exported.read_text())
    good_patient = bad["patients"][0]
    broken = json.loads(json.dumps(good_patient))
    broken["id"] = "pt-other0000001"
    broken["birth_date"] = "not a date"
    bad["patients"] = [good_patient | {"id": "pt-fresh0000001"}, broken]
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(bad))
    fresh = tmp_path / "fresh.json"
    done = tplan("import", str(bad_file), "--db", str(fresh))
    assert done.returncode == 1
    assert "birth date" in done.stderr and "#2" in done.stderr
    listed = tplan("caseload", "--db", str(fresh), "--json", check=True)
    assert json.loads(listed.stdout) == []


def test_export_writes_private_file_and_refuses_overwrite(demo_db: Path, tmp_path: Path) -> None:
    pid = json.loads(tplan("caseload", "--db", str(demo_db), "--json", "--as-of", AS_OF,
                           check=True).stdout)[0]["patient_id"]
    folder = tmp_path / "private" / "tplan-exports"  # the settings' export folder
    started_in = tmp_path / "started-here"
    started_in.mkdir()
    done = tplan("export", pid, "--format", "md", "--db", str(demo_db), "--as-of", AS_OF,
                 cwd=started_in, env={"TPLAN_EXPORT_FOLDER": str(folder)}, check=True)
    assert list(started_in.iterdir()) == []  # not wherever tplan was started
    written = next(folder.glob(f"{pid}*"))
    assert AS_OF in written.name
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "42 CFR part 2" in written.read_text()
    assert str(written.name) in done.stdout
    refused = tplan("export", pid, "--format", "md", "-o", str(written), "--db", str(demo_db),
                    "--as-of", AS_OF)
    assert refused.returncode == 1 and "exists" in refused.stderr
    tplan("export", pid, "--format", "md", "-o", str(written), "--db", str(demo_db),
          "--as-of", AS_OF, "--force", check=True)


def test_corrupt_file_is_refused_untouched_and_restorable(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "records.json"
    tplan("demo", "--out", str(db), "--as-of", AS_OF, check=True)
    # a second write creates the backup of the last good file
    pid = json.loads(tplan("caseload", "--db", str(db), "--json", check=True).stdout)[0]
    tplan("export", pid["patient_id"], "--format", "md", "-o", str(tmp_path / "x.md"),
          "--db", str(db), check=True)
    db.write_bytes(b'{"_meta": {"1": {"format": "tplan.db"')  # torn write
    damaged = db.read_bytes()
    done = tplan("caseload", "--db", str(db), real=True)
    assert done.returncode == 1
    assert str(db) in done.stderr and "restore" in done.stderr
    assert db.read_bytes() == damaged
    tplan("restore", "--db", str(db), check=True)
    rows = json.loads(tplan("caseload", "--db", str(db), "--json", check=True).stdout)
    assert rows


def test_missing_db_reads_as_empty_and_import_creates_it_private(
    demo_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "sub" / "new.json"
    done = tplan("caseload", "--db", str(db), "--json", check=True)
    assert json.loads(done.stdout) == []
    assert not db.exists()
    exported = tmp_path / "all.json"
    pid = json.loads(tplan("caseload", "--db", str(demo_db), "--json", check=True).stdout)[0]
    tplan("export", pid["patient_id"], "--format", "json", "-o", str(exported),
          "--db", str(demo_db), check=True)
    tplan("import", str(exported), "--db", str(db), check=True)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_tplan_db_environment_variable_is_the_default(demo_db: Path) -> None:
    done = tplan("caseload", "--json", env={"TPLAN_DB": str(demo_db)}, real=True)
    assert done.returncode == 0
    assert json.loads(done.stdout)


def test_policy_file_beside_the_db_changes_suggestions_and_a_bad_one_is_refused(
    demo_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "clinic.json"
    db.write_bytes(demo_db.read_bytes())
    db.chmod(0o600)
    default = json.loads(tplan("suggest", "--db", str(db), "--as-of", AS_OF, "--json",
                               check=True).stdout)["suggestions"]
    assert {s["policy"] for s in default} == {"default"}
    stepping_down = [s["patient_id"] for s in default if s["kind"] == "step_down"]
    assert stepping_down
    (tmp_path / "tplan-policy.toml").write_text(
        'name = "strict clinic"\n[step_down]\ndays_at_level = 400\n'
    )
    strict = json.loads(tplan("suggest", "--db", str(db), "--as-of", AS_OF, "--json",
                              check=True).stdout)["suggestions"]
    assert {s["policy"] for s in strict} == {"strict clinic"}
    assert not {s["patient_id"] for s in strict if s["kind"] == "step_down"}

    bad = tmp_path / "bad.toml"
    bad.write_text("[step_down]\nattendence_percent = 85\n")
    done = tplan("suggest", "--db", str(db), "--policy", str(bad))
    assert done.returncode == 1
    assert "step_down.attendence_percent" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_demo_opens_a_private_temporary_copy_and_says_it_is_discarded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tplan.cli as cli

    seen: dict[str, Path] = {}

    def fake_tui(args: object, *, ask_name: bool = True) -> int:
        assert not ask_name  # a demo copy is thrown away: no name is asked for it
        db = args.db  # type: ignore[attr-defined]
        seen["db"] = db
        assert stat.S_IMODE(db.stat().st_mode) == 0o600
        assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
        return 0

    monkeypatch.setattr(cli, "cmd_tui", fake_tui)
    assert cli.main(["demo", "--as-of", AS_OF]) == 0
    assert not seen["db"].parent.exists()
    assert "demo copy was discarded" in capsys.readouterr().err
