"""Group notes through the workspace: drafts kept per session, confidentiality findings, and
signing that writes every present member's locked note with the group note in one journal line."""

from __future__ import annotations

import errno
import os
from datetime import time, timedelta
from pathlib import Path

import pytest
from services_factories import ADMITTED, TODAY, patient

from tplan.clinical.group_confidentiality import confidentiality_findings
from tplan.domain import (
    Addendum,
    AddendumKind,
    AttendanceStatus,
    NoteFormat,
    RosterEntry,
    SessionType,
    TreatmentGroup,
    TreatmentGroupKind,
    Weekday,
    WeeklyPattern,
)
from tplan.domain.group_notes import GroupNote, Participation
from tplan.services import FixedClock, Mark, ServiceError, SessionKey, Workspace
from tplan.services.group_notes import ConfidentialityRefused, describe_finding
from tplan.store import SaveError, SignedNoteError, open_repository, open_store

NAMES = ("Avery Quill", "Bo Marchetti", "Cass Ferrow", "Dell Okafor")


@pytest.fixture
def group_session(workspace: Workspace):
    ids = [workspace.admit(patient(name)).id for name in NAMES]
    group = workspace.save_group(
        TreatmentGroup(
            name="Relapse prevention",
            kind=TreatmentGroupKind.RELAPSE_PREVENTION,
            facilitators=["J. Park", "R. Osei"],
            active_from=ADMITTED,
            schedule=[
                WeeklyPattern(
                    start=ADMITTED,
                    weekdays=[Weekday.MON, Weekday.WED, Weekday.THU],
                    start_time=time(18),
                    duration_minutes=180,
                )
            ],
            roster=[RosterEntry(patient_id=pid, joined=ADMITTED) for pid in ids],
        )
    )
    session = workspace.session(SessionKey(group.id, TODAY))
    marks = {
        ids[0]: Mark(AttendanceStatus.PRESENT),
        ids[1]: Mark(AttendanceStatus.LATE, late_minutes=10),
        ids[2]: Mark(AttendanceStatus.EXCUSED, reason="court"),
        ids[3]: Mark(AttendanceStatus.ABSENT),
    }
    session, _ = workspace.record_attendance(session, marks)
    workspace.clock = FixedClock(TODAY, time(21, 30))  # the group has met: it can be signed
    return workspace, session, ids


def written(ws: Workspace, session, ids: list[str]) -> GroupNote:
    note = ws.group_note(session, NoteFormat.DAP)
    shared = note.shared.model_copy(update={"content": "Psychoeducation on HALT; role-play."})
    members = [
        m.model_copy(
            update={
                "participation": Participation.ENGAGED,
                "sections": {"assessment": f"Response of member {n}", "plan": f"Plan {n}"},
                "craving": 3,
            }
        )
        if m.attended
        else m
        for n, m in enumerate(note.members)
    ]
    return note.model_copy(update={"shared": shared, "members": members})


def test_new_group_note_takes_roster_attendance_and_session(group_session) -> None:
    ws, session, ids = group_session
    note = ws.group_note(session, NoteFormat.BIRP)
    assert note.format is NoteFormat.BIRP and not note.signed
    assert [m.patient_id for m in note.members] == ids
    assert [m.attendance for m in note.members] == [
        AttendanceStatus.PRESENT,
        AttendanceStatus.LATE,
        AttendanceStatus.EXCUSED,
        AttendanceStatus.ABSENT,
    ]
    assert note.shared.duration_minutes == 180
    assert note.shared.facilitators == ["J. Park", "R. Osei"]


def test_absent_and_excused_members_get_no_narrative(group_session) -> None:
    ws, session, _ids = group_session
    note = ws.group_note(session)
    members = [m.model_copy(update={"craving": 2}) for m in note.members]
    with pytest.raises(ValueError, match="excused gets no narrative"):
        GroupNote.model_validate(
            {**note.model_dump(), "members": [m.model_dump() for m in members]}
        )


def test_drafts_are_kept_per_session_and_reopen(group_session, db_path: str) -> None:
    ws, session, ids = group_session
    saved = ws.save_group_note(written(ws, session, ids))
    ws.close()
    reopened = Workspace(open_store(db_path, "J. Park"), FixedClock(TODAY))
    try:
        again = reopened.group_note(reopened.repo.get_session(session.id))
        assert again.id == saved.id and again.members[0].sections["plan"] == "Plan 0"
        assert all(not n.group_note_id for p in reopened.patients() for n in p.notes)
    finally:
        reopened.close()


def test_signing_writes_a_complete_locked_note_into_each_present_chart(
    group_session, db_path: str
) -> None:
    ws, session, ids = group_session
    note = written(ws, session, ids)
    result = ws.sign_group_note(note)
    assert result.signed == (ids[0], ids[1])
    assert dict(result.skipped) == {ids[2]: "excused", ids[3]: "absent"}
    ws.close()
    with open_store(db_path, "reader", read_only=True) as repo:
        for n, pid in enumerate(ids[:2]):
            chart = [x for x in repo.get(pid).notes if x.group_note_id == note.id]
            assert len(chart) == 1 and chart[0].signed
            member = chart[0]
            assert member.session_type is SessionType.GROUP and member.session_id == session.id
            assert "Psychoeducation on HALT" in member.sections["data"]
            assert member.sections["data"].startswith("Relapse prevention")
            assert member.sections["assessment"].startswith("Participation: engaged.")
            assert f"Response of member {n}" in member.sections["assessment"]
            assert member.sections["plan"] == f"Plan {n}" and member.craving == 3
        for pid in ids[2:]:
            assert not [x for x in repo.get(pid).notes if x.group_note_id == note.id]
        stored = repo.group_note_for(session.id)
        assert stored is not None and stored.signed and stored.signed_members == ids[:2]


def test_signed_group_is_locked_and_corrections_are_addenda(group_session) -> None:
    ws, session, ids = group_session
    signed = ws.sign_group_note(written(ws, session, ids)).note
    changed = signed.model_copy(
        update={"shared": signed.shared.model_copy(update={"content": "rewritten"})}
    )
    with pytest.raises(SignedNoteError):
        ws.save_group_note(
            changed.model_copy(update={"signed_at": None, "signed_by": "", "signed_members": []})
        )
    with pytest.raises(ServiceError, match="already signed"):
        ws.sign_group_note(signed)
    note_id = signed.members[0].note_id
    addendum = Addendum(
        kind=AddendumKind.CORRECTION,
        reason="wrong craving",
        text="Craving was 4.",
        author="J. Park",
        written_at=ws.clock.now(),
    )
    after = ws.add_addendum(ids[0], note_id, addendum)
    assert after.find_note(note_id).addenda[0].text == "Craving was 4."
    assert ws.repo.group_note_for(session.id).shared.content == signed.shared.content


@pytest.mark.parametrize("store_location", ["file"], indirect=True)  # a full disk: the file's
def test_a_store_failure_while_signing_leaves_no_member_signed(
    group_session, db_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, session, ids = group_session
    note = written(ws, session, ids)
    path = Path(db_path)
    journal = path.with_name(path.name + ".journal")
    before = (path.read_bytes(), (journal.read_bytes() if journal.exists() else b""))

    def disk_full(*_args: object, **_kwargs: object) -> object:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("tplan.store.journal.os.pwrite", disk_full)
    with pytest.raises(SaveError):
        ws.sign_group_note(note)
    monkeypatch.undo()
    assert (path.read_bytes(), (journal.read_bytes() if journal.exists() else b"")) == before
    assert ws.repo.group_note_for(session.id) is None
    assert all(not n.group_note_id for pid in ids for n in ws.patient(pid).notes)
    ws.close()
    with open_store(db_path, "reader", read_only=True) as repo:
        assert all(not n.group_note_id for pid in ids for n in repo.get(pid).notes)
        assert repo.group_note_for(session.id) is None


def test_another_members_name_is_found_in_shared_and_individual_parts(group_session) -> None:
    ws, session, ids = group_session
    note = written(ws, session, ids)
    shared = note.shared.model_copy(update={"content": "Role-play led by bo; Quilling is fine."})
    first = note.members[0].model_copy(
        update={"sections": {"assessment": "Avery gave feedback to Ferrow.", "plan": "x"}}
    )
    note = note.model_copy(update={"shared": shared, "members": [first, *note.members[1:]]})
    roster = ws.roster_names(note)
    findings = ws.group_note_findings(note)
    described = [describe_finding(f, roster) for f in findings]
    assert described == [
        'the shared part names "Bo" (Bo Marchetti)',
        'Avery Quill\'s part names "Ferrow" (Cass Ferrow)',
    ]
    assert confidentiality_findings(note, {}) == []
    with pytest.raises(ConfidentialityRefused, match="nothing was signed"):
        ws.sign_group_note(note, refuse_findings=True)
    assert ws.repo.group_note_for(session.id) is None
    assert ws.sign_group_note(note).signed == (ids[0], ids[1])


def test_copy_forward_and_objectives_come_from_the_members_chart(group_session) -> None:
    ws, session, ids = group_session
    ws.sign_group_note(written(ws, session, ids))
    assert ws.previous_plan(ids[1], TODAY + timedelta(days=1)) == "Plan 1"
    assert ws.previous_plan(ids[1], TODAY) != "Plan 1"
    objectives = ws.objectives_to_address(ids[0], TODAY)
    assert [o.text for o in objectives] == ["Name five triggers and a coping step for each"]


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_a_members_signed_note_reads_whole_in_every_export(
    group_session, tmp_path: Path, fmt: str
) -> None:
    ws, session, ids = group_session
    ws.sign_group_note(written(ws, session, ids))
    out = ws.export(ids[1], fmt, tmp_path / f"bo.{fmt}", as_of=TODAY)
    text = out.read_text()
    assert "Psychoeducation on HALT" in text.replace("\\u003b", ";")
    assert "Response of member 1" in text and "Plan 1" in text
    assert "Response of member 0" not in text and "Plan 0" not in text


def test_a_draft_part_of_a_member_later_marked_absent_is_named_and_left_out(
    group_session,
) -> None:
    ws, session, ids = group_session
    ws.save_group_note(written(ws, session, ids))
    session, _ = ws.record_attendance(session, {ids[1]: Mark(AttendanceStatus.ABSENT)})
    assert ws.unattended_drafts(session) == [ids[1]]
    note = ws.group_note(session)
    assert not note.part(ids[1]).has_narrative and note.part(ids[0]).written
    ws.save_group_note(note)
    assert ws.unattended_drafts(session) == []


def test_the_demo_documents_its_past_evening_groups_as_group_notes(tmp_path: Path) -> None:
    """The demo's content, not a backend's: written into a record file as `tplan demo` does."""
    from tplan.services.demo import load_demo, load_demo_group_notes, load_demo_sessions

    repo = open_repository(tmp_path / "demo.json", "J. Park")
    ws = Workspace(repo, FixedClock(TODAY), clinician="J. Park")
    try:
        ws.import_patients(load_demo(TODAY))
        bundle = load_demo_sessions(TODAY)
        repo.import_clinic_records(bundle.groups, bundle.sessions, bundle.attendance)
        repo.import_group_notes(load_demo_group_notes(TODAY).group_notes)
        evening = next(g for g in ws.groups() if g.name == "Evening relapse prevention")
        documented = [
            note
            for s in repo.sessions_between(TODAY - timedelta(days=14), TODAY)
            if s.group_id == evening.id and (note := repo.group_note_for(s.id)) is not None
        ]
        assert len(documented) == 2 and all(n.signed for n in documented)
        for note in documented:
            attendance = {r.patient_id: r for r in repo.attendance_for([note.session_id])}
            assert set(note.signed_members) == {p for p, r in attendance.items() if r.attended}
            for member in note.members:
                chart = [n for n in ws.patient(member.patient_id).notes if n.group_note_id]
                linked = [n for n in chart if n.group_note_id == note.id]
                if member.patient_id in note.signed_members:
                    assert len(linked) == 1 and linked[0].signed
                    assert linked[0].session_id == note.session_id
                    assert note.shared.content in linked[0].sections["data"]
                else:
                    assert not linked and not member.has_narrative
            roster = {p: ws.patient(p).display_name for p in attendance}
            assert confidentiality_findings(note, roster) == []
        today = ws.session(SessionKey(evening.id, TODAY))
        assert repo.group_note_for(today.id) is None
        marks = ws.session_attendance(today)
        assert len(ws.session_roster(today)) == 9
        assert sum(r.attended for r in marks.values()) == 7
    finally:
        ws.close()


# --- a member skipped at the signing is documented and signed later ---------------------


def bo_left_empty(note: GroupNote) -> GroupNote:
    """The note with the second member's (Bo's, present late) part left empty."""
    bo = note.members[1].model_copy(update={"participation": None, "sections": {}, "craving": None})
    return note.model_copy(update={"members": [note.members[0], bo, *note.members[2:]]})


def test_a_member_skipped_at_signing_is_documented_and_signed_later(
    group_session, db_path: str, tmp_path: Path
) -> None:
    """Bo's part was left empty and Dell was marked absent by mistake: after the group is
    signed, both are documented and signed on the same note, as late entries the next day."""
    ws, session, ids = group_session
    first = ws.sign_group_note(bo_left_empty(written(ws, session, ids)))
    assert first.signed == (ids[0],)
    assert dict(first.skipped)[ids[1]] == "individual part empty"

    ws.clock = FixedClock(TODAY + timedelta(days=1), time(9))
    with pytest.raises(ServiceError, match="their attendance stays attended"):
        ws.record_attendance(session, {ids[0]: Mark(AttendanceStatus.ABSENT)})
    session, _ = ws.record_attendance(session, {ids[3]: Mark(AttendanceStatus.PRESENT)})
    signed = ws.group_note(session)
    assert signed.signed and signed.part(ids[3]).attended
    parts = {ids[1]: "Bo named two triggers.", ids[3]: "Dell practised refusal."}
    members = [
        m.model_copy(update={"sections": {"assessment": parts[m.patient_id]}})
        if m.patient_id in parts
        else m
        for m in signed.members
    ]
    draft = ws.save_group_note(signed.model_copy(update={"members": members}))
    assert draft.signed_members == [ids[0]] and draft.part(ids[3]).written
    later = ws.sign_group_note(draft)
    assert later.signed == (ids[1], ids[3])
    assert dict(later.skipped) == {ids[2]: "excused"}
    with pytest.raises(ServiceError, match="already signed and nobody new") as refused:
        ws.sign_group_note(later.note)
    assert refused.value.waiting == ((ids[2], "excused"),)
    tomorrow = TODAY + timedelta(days=1)
    exported = ws.export(ids[1], "md", tmp_path / "bo.md", as_of=tomorrow).read_text()
    assert "Bo named two triggers." in exported and "(late entry)" in exported
    ws.close()
    with open_store(db_path, "reader", read_only=True) as repo:
        stored = repo.group_note_for(session.id)
        assert stored.signed_members == [ids[0], ids[1], ids[3]]
        assert stored.signed_at == first.note.signed_at and stored.signed_by == "J. Park"
        for pid in (ids[1], ids[3]):
            (chart,) = [n for n in repo.get(pid).notes if n.group_note_id == stored.id]
            assert chart.signed and chart.late_entry and chart.date_of_service == TODAY
            assert parts[pid] in chart.sections["assessment"]
            assert "Psychoeducation on HALT" in chart.sections["data"]
        (avery,) = [n for n in repo.get(ids[0]).notes if n.group_note_id == stored.id]
        assert not avery.late_entry


def test_the_store_keeps_what_signing_locked_and_adds_members_only_with_their_chart(
    group_session, db_path: str
) -> None:
    """The rule in both stores: the shared part, a signed member's part and the list of
    signed members stay as signed (a tampered note is refused, by a save or an import); a
    later member is added only in one save with their chart's signed note."""
    from tplan.domain.group_notes import member_note

    ws, session, ids = group_session
    signed = ws.sign_group_note(bo_left_empty(written(ws, session, ids))).note
    repo = ws.repo

    def with_part(pid: str, text: str) -> GroupNote:
        return signed.model_copy(
            update={
                "members": [
                    m.model_copy(update={"sections": {"assessment": text}})
                    if m.patient_id == pid
                    else m
                    for m in signed.members
                ]
            }
        )

    shared = signed.shared.model_copy(update={"content": "rewritten"})
    refused = {
        "shared part cannot change": signed.model_copy(update={"shared": shared}),
        "signed member's part cannot change": with_part(ids[0], "rewritten"),
        "signed member cannot be removed": signed.model_copy(update={"signed_members": []}),
        "format cannot change": signed.model_copy(update={"format": NoteFormat.SOAP}),
        "only together with their chart": with_part(ids[1], "Bo's part").model_copy(
            update={"signed_members": [ids[0], ids[1]]}
        ),
    }
    for message, tampered in refused.items():
        with pytest.raises(SignedNoteError, match=message):
            repo.save_group_note(tampered, "save group note draft")
    if hasattr(repo, "import_group_notes"):  # the clinic database imports whole files only
        with pytest.raises(ValueError, match="already stored"):
            repo.import_group_notes([refused["shared part cannot change"]])

    bo_written = repo.save_group_note(with_part(ids[1], "Bo's part"), "save group note draft")
    assert bo_written.part(ids[1]).written and bo_written.signed_members == [ids[0]]
    chart = repo.get(ids[1]).model_copy(deep=True)
    now = ws.clock.now()
    late = member_note(
        bo_written, bo_written.part(ids[1]), group_name="RP", author="J. Park", written_at=now
    )
    chart.notes = [*chart.notes, late.model_copy(update={"signed_at": now, "signed_by": "J. Park"})]
    adding = bo_written.model_copy(update={"signed_members": [ids[0], ids[1]]})
    with pytest.raises(SignedNoteError, match="only together with their chart"):
        repo.save_patients_with_group_note([], adding, "sign group note")
    repo.save_patients_with_group_note([chart], adding, "sign group note")
    ws.close()
    with open_store(db_path, "reader", read_only=True) as reader:
        stored = reader.group_note_for(session.id)
        assert stored.signed_members == [ids[0], ids[1]] and stored.shared == signed.shared
        assert reader.get(ids[1]).find_note(late.id).signed


@pytest.mark.parametrize("store_location", ["postgres"], indirect=True)  # two counselors at once
def test_a_colleague_signing_the_same_late_member_first_wins_and_nothing_is_overwritten(
    group_session, db_path: str
) -> None:
    ws, session, ids = group_session
    ws.sign_group_note(bo_left_empty(written(ws, session, ids)))
    rivera = Workspace(open_store(db_path, "A. Rivera"), ws.clock, clinician="A. Rivera")
    try:
        stale = rivera.group_note(rivera.repo.get_session(session.id))

        def bo_writes(note: GroupNote, text: str) -> GroupNote:
            members = [
                m.model_copy(update={"sections": {"assessment": text}})
                if m.patient_id == ids[1]
                else m
                for m in note.members
            ]
            return note.model_copy(update={"members": members})

        park_signed = ws.sign_group_note(bo_writes(ws.group_note(session), "Park's words"))
        assert park_signed.signed == (ids[1],)
        with pytest.raises(SignedNoteError, match="a signed member cannot be removed"):
            rivera.save_group_note(bo_writes(stale, "Rivera's words"))
        with pytest.raises(SignedNoteError, match="a signed member's part cannot change"):
            rivera.sign_group_note(bo_writes(stale, "Rivera's words"))
    finally:
        rivera.close()
    with open_store(db_path, "reader", read_only=True) as repo:
        stored = repo.group_note_for(session.id)
        assert stored.part(ids[1]).sections["assessment"] == "Park's words"
        (chart,) = [n for n in repo.get(ids[1]).notes if n.group_note_id == stored.id]
        assert chart.signed_by == "J. Park" and "Park's words" in chart.sections["assessment"]
