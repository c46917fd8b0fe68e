"""Record rules hold however a record is written: by the workspace's use cases and by an import.

The forms show the same sentences as the counselor types; these tests go around the forms.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from services_factories import ADMITTED, TODAY, note, patient

from tplan.domain import Patient, PlanReview
from tplan.services import ImportError_, RecordRuleError, Workspace


def _import(workspace: Workspace, tmp_path: Path, patients: list[Patient]) -> None:
    source = tmp_path / "in.json"
    source.write_bytes(workspace.envelope(patients).model_dump_json().encode())
    workspace.import_envelope(source)


def test_import_refuses_a_note_before_admission_and_saves_nothing(
    workspace: Workspace, db_path: Path, tmp_path: Path
) -> None:
    early = patient("Avery Quill")
    early.notes.append(note(date(2020, 1, 1)))
    fine = patient("Bo Marchetti")
    with pytest.raises(ImportError_) as caught:
        _import(workspace, tmp_path, [fine, early])
    (problem,) = caught.value.problems
    assert problem.startswith("record #2: note ")
    assert "date of service is before the admission (05 Jan 2026)" in problem
    assert "Avery" not in str(caught.value)
    assert workspace.patients() == []


def test_import_refuses_a_future_note_a_late_last_use_and_an_empty_review(
    workspace: Workspace, tmp_path: Path
) -> None:
    record = patient()
    record.notes.append(note(TODAY + timedelta(days=3)))
    record.last_use_at_intake = ADMITTED + timedelta(days=2)
    record.reviews.append(PlanReview(on=TODAY - timedelta(days=1), summary="  "))
    with pytest.raises(ImportError_) as caught:
        _import(workspace, tmp_path, [record])
    problems = "\n".join(caught.value.problems)
    assert "last use at intake is after the admission date" in problems
    assert "a session in the future cannot have a note yet" in problems
    assert "say what changed" in problems


def test_the_use_cases_refuse_what_the_import_refuses(
    workspace: Workspace, admitted: Patient
) -> None:
    with pytest.raises(RecordRuleError) as caught:
        workspace.save_draft(admitted.id, note(date(2020, 1, 1), signed=False))
    assert caught.value.field == "date_of_service"
    with pytest.raises(RecordRuleError, match="future"):
        workspace.sign_new_note(admitted.id, note(TODAY + timedelta(days=1), signed=False))
    with pytest.raises(RecordRuleError) as caught:
        workspace.record_review(admitted.id, PlanReview(on=TODAY, summary=""))
    assert caught.value.field == "summary"
    late = patient("Cass Ferrow").model_copy(update={"last_use_at_intake": TODAY})
    with pytest.raises(RecordRuleError, match="after the admission"):
        workspace.admit(late)
    assert workspace.patient(admitted.id).notes == admitted.notes
    assert workspace.patient(admitted.id).reviews == []


def test_sign_new_note_is_one_transaction(workspace: Workspace, admitted: Patient) -> None:
    draft = note(TODAY, signed=False)
    before = len(workspace.audit(admitted.id))
    stored = workspace.sign_new_note(admitted.id, draft)
    signed = stored.find_note(draft.id)
    assert signed is not None and signed.signed and signed.signed_by == "J. Park"
    actions = [entry.action for entry in workspace.audit(admitted.id)[before:]]
    assert actions == ["sign_note"]
