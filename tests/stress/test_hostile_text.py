"""Hostile text: terminal escapes and format characters (bidi, zero-width) in names, ids, free
text and the suggestion copies kept in decisions; deep or huge data; out-of-range dates
(issue #10, items 14, 15 and 17). Each is a clear one-line refusal that saves nothing."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import orjson
import pytest
from stress_factories import SECRET, patient, run_cli, seed

from tplan.domain import Patient
from tplan.domain.base import FORMAT_CHARACTERS
from tplan.store import StoreError, open_repository

ESC_TITLE = "\x1b]0;pwned\x07"
RED = "\x1b[41m"


def _import(tmp_path: Path, db: Path, record: dict[str, Any]) -> tuple[int, str]:
    envelope = {"format": "tplan.interchange", "schema_version": 1,
                "generated_at": "2026-03-12T12:00:00Z", "as_of": "2026-03-12",
                "patients": [record]}
    incoming = tmp_path / "incoming.json"
    incoming.write_text(json.dumps(envelope, ensure_ascii=False))
    done = run_cli("import", str(incoming), "--db", str(db))
    return done.code, done.err


def _record() -> dict[str, Any]:
    return patient("Dell Okafor", 9, notes=1).model_dump(mode="json")


def _decision(suggestion: dict[str, Any]) -> dict[str, Any]:
    return {"decided_at": "2026-03-01T12:00:00+00:00", "decided_by": "J. Park",
            "outcome": "decline", "rationale": "not yet",
            "suggestion": {"patient_id": "pt-stress0009", "as_of": "2026-03-01",
                           "kind": "continue", "headline": "Continue", **suggestion}}


def _deep(levels: int) -> dict[str, Any]:
    top: dict[str, Any] = {}
    here = top
    for _ in range(levels):
        here["k"] = {}
        here = here["k"]
    return top


def _assert_refused(code: int, err: str, db: Path, before: bytes) -> None:
    assert code == 1, err
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("tplan: ") for line in lines), err
    assert "Traceback" not in err and "\x1b" not in err and "\u202e" not in err
    assert SECRET not in err
    assert db.read_bytes() == before


CASES = {
    "zero-width space in a name": (("display_name",), "Avery\u200b Quill", "U+200B"),
    "bidi override in a name": (("display_name",), "\u202eyreva", "U+202E"),
    "escape in a name": (("display_name",), f"Avery{ESC_TITLE}", "U+001B"),
    "bidi override in a note": (("notes", 0, "sections", "data"), "ok \u202e", "U+202E"),
    "soft hyphen in the counselor": (("counselor",), "J.\u00adPark", "U+00AD"),
    "escape in a suggestion headline": (
        ("decisions",), [_decision({"headline": f"Continue{RED}"})], "U+001B"),
    "bidi in a rule message": (("decisions",), [_decision({"fired": [
        {"rule": "r", "kind": "continue", "message": "\u202eevil"}]})], "U+202E"),
    "escape in a signal key": (("decisions",), [_decision({"signals": {ESC_TITLE: 1}})],
                               "U+001B"),
    "zero-width joiner in a signal value": (
        ("decisions",), [_decision({"signals": {"note": "a\u200db"}})], "U+200D"),
    "300-deep signals": (("decisions",), [_decision({"signals": _deep(300)})], "nested too"),
    "huge signals": (("decisions",), [_decision({"signals": {"k": list(range(5000))}})],
                     "too many values"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_text_in_an_import_is_refused_in_one_line(
    db_path: Path, tmp_path: Path, case: str
) -> None:
    seed(db_path)
    before = db_path.read_bytes()
    path, value, phrase = CASES[case]
    record = _record()
    slot: Any = record
    for key in path[:-1]:
        slot = slot[key]
    slot[path[-1]] = value
    code, err = _import(tmp_path, db_path, record)
    _assert_refused(code, err, db_path, before)
    assert phrase in err


def test_an_unknown_key_is_shown_escaped_and_never_repeats_text(
    db_path: Path, tmp_path: Path
) -> None:
    seed(db_path)
    before = db_path.read_bytes()
    record = _record()
    record[f"colour{RED}"] = 1
    record[f"x{ESC_TITLE}{SECRET}"] = 1
    code, err = _import(tmp_path, db_path, record)
    _assert_refused(code, err, db_path, before)
    assert "colour\\u001b[41m: is not a field tplan knows" in err
    assert f"(a name of {1 + len(ESC_TITLE) + len(SECRET)} characters, not shown)" in err
    assert "Zanzibar" not in err


def test_a_clinician_name_with_an_escape_is_refused(db_path: Path) -> None:
    seed(db_path)
    before = db_path.read_bytes()
    done = run_cli("--db", str(db_path), "--clinician", f"Evil{ESC_TITLE}", "export",
                   "pt-stress0000", "--format", "md", "-o", str(db_path.parent / "x.md"))
    _assert_refused(done.code, done.err, db_path, before)
    for name in (f"Evil{ESC_TITLE}", "Dr.\u202eLee", "J.\u200bPark"):
        with pytest.raises(StoreError, match="clinician name"):
            open_repository(db_path, name)


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"])
def test_an_out_of_range_as_of_is_a_one_line_refusal(db_path: Path, as_of: str) -> None:
    seed(db_path)
    for command in (["export", "pt-stress0000", "--format", "md", "-o",
                     str(db_path.parent / "x.md")], ["suggest"], ["caseload"]):
        done = run_cli("--db", str(db_path), *command, "--as-of", as_of)
        assert done.code == 2 and len(done.err.strip().splitlines()) == 1, done.err
        assert "Traceback" not in done.err
    assert not (db_path.parent / "x.md").exists()


def test_a_record_stored_before_the_rule_still_opens_and_a_resave_asks_for_the_fix(
    db_path: Path,
) -> None:
    stored = seed(db_path, writes=1)
    raw = orjson.loads(db_path.read_bytes())
    for key in ("store_format", "snapshot_crc32", "previous_journal_epoch"):
        raw["_meta"]["1"].pop(key, None)  # written by the tplan before the rule
    document = next(d for d in raw["patients"].values() if d["id"] == stored[0].id)
    document["display_name"] = "Avery\u200b Quill"
    db_path.write_bytes(orjson.dumps(raw))
    with open_repository(db_path, "J. Park") as repo:
        legacy: Patient = repo.get(stored[0].id)
        assert legacy.display_name == "Avery\u200b Quill"
        with pytest.raises(ValueError, match="U\\+200B"):
            repo.put(legacy.model_copy(update={"pronouns": "they/them"}), "edit")


def test_the_format_character_rule_covers_every_cf_character() -> None:
    missing = [f"U+{c:04X}" for c in range(0x110000)
               if unicodedata.category(chr(c)) == "Cf" and not FORMAT_CHARACTERS.match(chr(c))]
    assert missing == []
    assert not FORMAT_CHARACTERS.search("Avery Quill — 🚌 café ✔")
