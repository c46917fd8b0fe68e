"""A signed note has every section of its format written (CLINICAL 3): signing locks it, so the
sign use cases and an import refuse a note that leaves one empty. A group member's note is the
group's to sign (shared part + the member's own part) and is left to the group's rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from services_factories import SECRET, TODAY, note, patient

from tplan.domain import NoteFormat, Patient
from tplan.services import ImportError_, RecordRuleError, Workspace

EVERY_DAP = "a DAP note has Data, Assessment and Plan"


def test_signing_a_draft_with_data_alone_is_refused_and_it_stays_a_draft(
    workspace: Workspace, admitted: Patient
) -> None:
    draft = note(TODAY, signed=False).model_copy(update={"sections": {"data": SECRET}})
    workspace.save_draft(admitted.id, draft)  # a draft may be half written
    with pytest.raises(RecordRuleError) as caught:
        workspace.sign_note(admitted.id, draft.id)
    assert caught.value.field == "sections.assessment"
    assert caught.value.message == f"write the Assessment before signing: {EVERY_DAP}"
    assert SECRET not in str(caught.value)
    stored = workspace.patient(admitted.id).find_note(draft.id)
    assert stored is not None and not stored.signed


def test_sign_new_note_names_the_first_empty_section_of_its_format(
    workspace: Workspace, admitted: Patient
) -> None:
    birp = note(TODAY, signed=False).model_copy(
        update={"format": NoteFormat.BIRP, "sections": {"behavior": "calm", "plan": "continue"}}
    )
    with pytest.raises(RecordRuleError) as caught:
        workspace.sign_new_note(admitted.id, birp)
    assert caught.value.field == "sections.intervention"
    assert "a BIRP note has Behavior, Intervention, Response and Plan" in caught.value.message
    assert workspace.patient(admitted.id).find_note(birp.id) is None  # nothing half saved
    whole = birp.model_copy(
        update={"sections": {**birp.sections, "intervention": "CBT", "response": "engaged"}}
    )
    assert workspace.sign_new_note(admitted.id, whole).find_note(whole.id).signed  # type: ignore[union-attr]


def test_import_refuses_a_signed_note_with_an_empty_section_but_not_a_group_members(
    workspace: Workspace, tmp_path: Path
) -> None:
    record = patient()
    record.notes.append(note(TODAY).model_copy(update={"sections": {"data": SECRET}}))
    source = tmp_path / "in.json"
    source.write_bytes(workspace.envelope([record]).model_dump_json().encode())
    with pytest.raises(ImportError_) as caught:
        workspace.import_envelope(source)
    (problem,) = caught.value.problems
    assert "signed with no assessment" in problem and SECRET not in problem
    assert workspace.patients() == []

    member = note(TODAY).model_copy(
        update={"sections": {"data": "group", "assessment": SECRET}, "group_note_id": "gn-1"}
    )
    record.notes[-1] = member
    source.write_bytes(workspace.envelope([record]).model_dump_json().encode())
    workspace.import_envelope(source)
    assert workspace.patient(record.id).find_note(member.id) == member
