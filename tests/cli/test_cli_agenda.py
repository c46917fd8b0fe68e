"""`tplan agenda` and `tplan groups` on the demo, as a script user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import tplan

ANCHOR = "2026-03-02"  # the demo's own day: a Monday with its evening group


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("agenda") / "demo.json"
    tplan("demo", "--out", str(path), "--as-of", ANCHOR, check=True)
    return path


def test_agenda_json_lists_todays_sessions_and_a_worklist(demo_db: Path) -> None:
    done = tplan("agenda", "--db", str(demo_db), "--as-of", ANCHOR, "--json", check=True)
    data = json.loads(done.stdout)
    assert (data["format"], data["version"], data["date"]) == ("tplan.agenda", 1, ANCHOR)
    starts = [s["start"] for s in data["sessions"]]
    assert starts == sorted(starts) and starts
    (evening,) = [s for s in data["sessions"] if s["title"] == "Evening relapse prevention"]
    assert (evening["roster"], evening["attendance_recorded"], evening["attended"]) == (9, 7, 7)
    kinds = {item["kind"] for item in data["worklist"]}
    assert {"safety", "attendance_not_recorded", "no_note", "old_draft", "review_due"} <= kinds


def test_agenda_of_another_day_and_as_text(demo_db: Path) -> None:
    done = tplan("agenda", "--db", str(demo_db), "--as-of", ANCHOR, "--date", "2026-02-28",
                 check=True)
    assert "Family group" in done.stdout and "To do" in done.stdout
    assert "Evening relapse prevention" not in done.stdout.split("To do")[0]


def test_groups_json_and_text(demo_db: Path) -> None:
    data = json.loads(
        tplan("groups", "--db", str(demo_db), "--as-of", ANCHOR, "--json", check=True).stdout
    )
    assert data["format"] == "tplan.groups"
    evening = next(g for g in data["groups"] if g["name"] == "Evening relapse prevention")
    assert evening["weekdays"] == ["mon", "wed", "thu"]
    assert (evening["start"], evening["end"], len(evening["members_today"])) == (
        "18:00", "21:00", 9,
    )
    text = tplan("groups", "--db", str(demo_db), "--as-of", ANCHOR, check=True).stdout
    assert "Morning skills  Tue/Thu/Fri 09:00-12:00  S. Brandvold  7 members" in text


def test_agenda_refuses_a_missing_file_in_one_line(tmp_path: Path) -> None:
    done = tplan("agenda", "--db", str(tmp_path / "nothing.json"))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["agenda", "groups"])
def test_new_commands_have_help(command: str) -> None:
    done = tplan(command, "--help")
    assert done.returncode == 0 and "usage: tplan" in done.stdout
