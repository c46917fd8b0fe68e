"""The progress note, its signed view and addenda: typed by keys, checked on disk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from test_forms_harness import (
    SIZE,
    FormHarness,
    choose,
    errors,
    paste_in,
    settle,
    type_in,
)
from textual.widgets import Checkbox, Select, Static

from tplan.domain import (
    AddendumKind,
    Attendance,
    NoteFormat,
    Patient,
    ProgressRating,
    ScreenResultValue,
    SessionType,
)
from tplan.services import FixedClock, Workspace
from tplan.store import SaveError
from tplan.ui.forms import AddendumForm, ConfirmDialog, NoteForm, NoteView

AVERY = "demo-avery-quill"
BO = "demo-bo-marchetti"  # on buprenorphine/naloxone: a buprenorphine positive is expected


def new_notes(before: Patient, after: Patient) -> list:
    known = {n.id for n in before.notes}
    return [n for n in after.notes if n.id not in known]


async def test_draft_saved_with_sections_objectives_use_craving_and_scores(
    workspace: Workspace, clock: FixedClock, today: date, saved: Callable[[str], Patient]
) -> None:
    before = workspace.patient(AVERY)
    app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "session_type", "individual")
        await type_in(pilot, "section_data", "Said [bold]no[/] to a drink 🍺\nat the party")
        await type_in(pilot, "section_assessment", "Coping well")
        await type_in(pilot, "section_plan", "Keep SMART")
        await choose(pilot, "rating_2", "improving")  # choosing a rating ticks the objective
        assert app.form.query_one("#obj_2", Checkbox).value
        await choose(pilot, "use", "no use")
        await type_in(pilot, "craving", "2")
        await type_in(pilot, "phq9", "101010000")
        score = app.form.query_one("#phq9_score", Static)
        assert str(score.render()) == "= 3 minimal"
        await type_in(pilot, "gad7", "1111111")
        assert str(app.form.query_one("#gad7_score", Static).render()) == "= 7 mild"
        await pilot.press("ctrl+s")
        await settle(pilot)
    (result,) = app.results
    (note,) = new_notes(before, saved(AVERY))
    assert note == new_notes(before, result)[0]
    assert not note.signed
    assert note.date_of_service == today
    assert note.session_type is SessionType.INDIVIDUAL
    assert note.attendance is Attendance.ATTENDED
    assert note.sections == {
        "data": "Said [bold]no[/] to a drink 🍺\nat the party",
        "assessment": "Coping well",
        "plan": "Keep SMART",
    }
    second_objective = list(before.objectives())[1]
    assert [(p.objective_id, p.rating) for p in note.objectives_addressed] == [
        (second_objective.id, ProgressRating.IMPROVING)
    ]
    assert note.use is not None and note.use.used is False
    assert note.craving == 2
    assert [(m.instrument, m.items) for m in note.measures] == [
        ("PHQ-9", [1, 0, 1, 0, 1, 0, 0, 0, 0]),
        ("GAD-7", [1] * 7),
    ]
    assert note.author == "J. Park"


async def test_phq9_item9_flag_shows_live(workspace: Workspace, clock: FixedClock) -> None:
    app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "phq9", "1111")
        assert str(app.form.query_one("#phq9_score", Static).render()) == ""
        assert "4 of 9 answers typed" in errors(app)["phq9"]
        await type_in(pilot, "phq9", "33333332")
        assert "each answer is 0 to 3" not in errors(app).get("phq9", "")
        await type_in(pilot, "phq9", "000000002")
        score = app.form.query_one("#phq9_score", Static)
        assert "= 2 minimal" in str(score.render())
        assert "item 9 = 2" in str(score.render())
        assert score.has_class("-flag")
        await type_in(pilot, "phq9", "000000004")
        assert errors(app)["phq9"] == "each answer is 0 to 3"


async def test_switching_format_keeps_typed_text(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    before = workspace.patient(AVERY)
    app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "section_data", "Data typed first")
        await type_in(pilot, "section_plan", "Plan stays")
        await choose(pilot, "format", "BIRP")
        form = app.form
        assert not form.query_one("#row-section_data").display
        assert form.query_one("#row-section_behavior").display
        kept = form.query_one("#sections-kept", Static)
        assert kept.display and "Data" in str(kept.render())
        await type_in(pilot, "section_behavior", "Engaged")
        await choose(pilot, "format", "DAP")
        assert form.query_one("#section_data").text == "Data typed first"
        await choose(pilot, "format", "BIRP")
        await pilot.press("ctrl+s")
        await settle(pilot)
    (note,) = new_notes(before, saved(AVERY))
    assert note.format is NoteFormat.BIRP
    assert note.sections == {"behavior": "Engaged", "plan": "Plan stays"}


async def test_screen_rows_preset_expected_for_prescribed_medication(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    before = workspace.patient(BO)
    app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, BO))
    async with app.run_test(size=SIZE) as pilot:
        form = app.form
        assert not form.query_one("#screen-results").display
        await choose(pilot, "screen_method", "presumptive")
        assert form.query_one("#screen-results").display
        substances = form.substances
        bup = next(i for i, s in enumerate(substances) if s.casefold() == "buprenorphine")
        fent = next(i for i, s in enumerate(substances) if s == "fentanyl")
        assert form.query_one(f"#expected_{bup}", Checkbox).value is True
        assert form.query_one(f"#expected_{fent}", Checkbox).value is False
        await choose(pilot, f"result_{bup}", "positive")
        await choose(pilot, f"result_{fent}", "negative")
        await type_in(pilot, "screen_add", "kratom\n")
        kratom = len(substances) - 1
        assert substances[kratom] == "kratom"
        assert form.query_one(f"#result_{kratom}", Select).has_focus
        await choose(pilot, f"result_{kratom}", "negative")
        await pilot.press("ctrl+s")
        await settle(pilot)
    (note,) = new_notes(before, saved(BO))
    assert note.screen is not None
    results = {(r.substance, r.result, r.expected) for r in note.screen.results}
    assert results == {
        (substances[bup], ScreenResultValue.POSITIVE, True),
        ("fentanyl", ScreenResultValue.NEGATIVE, False),
        ("kratom", ScreenResultValue.NEGATIVE, False),
    }


async def test_validation_errors_beside_fields_nothing_saved(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    count = len(saved(AVERY).notes)
    app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "date_of_service", "2026-02-30")
        await type_in(pilot, "craving", "11")
        await type_in(pilot, "use_substances", "alcohol")
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = errors(app)
        assert "must be a date" in shown["date_of_service"]
        assert shown["craving"] == "must be from 0 to 10"
        assert "choose “used”" in shown["use"]
        assert app.results == []
        await choose(pilot, "screen_method", "definitive")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "at least one substance" in errors(app)["screen"]
    assert len(saved(AVERY).notes) == count


async def test_sign_asks_then_locks_the_note(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    before = workspace.patient(AVERY)
    app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, AVERY))
    every = "a DAP note has Data, Assessment and Plan"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert errors(app)["section_data"] == f"write the Data before signing: {every}"
        await type_in(pilot, "section_data", "Group on triggers")
        await pilot.press("ctrl+g")  # Data alone is not a note to lock
        await settle(pilot)
        assert app.screen is app.form
        assert errors(app)["section_assessment"] == f"write the Assessment before signing: {every}"
        assert app.focused is app.form.query_one("#section_assessment")
        await type_in(pilot, "section_assessment", "Named two triggers")
        await type_in(pilot, "section_plan", "Practise refusal at home")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert app.screen is app.form and app.results == []
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
    (note,) = new_notes(before, saved(AVERY))
    assert note.signed and note.signed_by == "J. Park"
    assert note.signed_at == datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
    assert note.sections == {
        "data": "Group on triggers",
        "assessment": "Named two triggers",
        "plan": "Practise refusal at home",
    }


async def test_editing_a_draft_replaces_it(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    draft = (
        next(n for n in workspace.patient(AVERY).notes if not n.signed)
        if any(not n.signed for n in workspace.patient(AVERY).notes)
        else None
    )
    if draft is None:
        app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, AVERY))
        async with app.run_test(size=SIZE) as pilot:
            await type_in(pilot, "section_data", "first version")
            await pilot.press("ctrl+s")
            await settle(pilot)
        draft = next(n for n in saved(AVERY).notes if n.sections.get("data") == "first version")
    count = len(saved(AVERY).notes)
    app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, AVERY, draft.id))
    async with app.run_test(size=SIZE) as pilot:
        assert app.form.query_one("#section_data").text == draft.sections.get("data", "")
        await type_in(pilot, "section_data", "second version")
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = saved(AVERY)
    assert len(stored.notes) == count
    assert stored.find_note(draft.id).sections["data"] == "second version"


async def test_store_failure_keeps_the_note_open(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient], monkeypatch
) -> None:
    def refuse(*_a: object, **_k: object) -> Patient:
        raise SaveError(workspace.repo.path, "disk full")

    monkeypatch.setattr(workspace, "save_draft", refuse)
    count = len(saved(AVERY).notes)
    text = "Long session. " * 800
    app = FormHarness(workspace, clock, lambda ws: NoteForm(ws, AVERY))
    async with app.run_test(size=SIZE) as pilot:
        await paste_in(pilot, "section_data", text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.form
        assert "disk full" in str(app.form.query_one("#form-status").render())
        assert app.form.query_one("#section_data").text == text
    assert len(saved(AVERY).notes) == count


async def test_signed_note_view_adds_an_addendum(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    note = next(n for n in workspace.patient(AVERY).notes if n.signed)
    app = FormHarness(workspace, clock, lambda ws: NoteView(ws, AVERY, note.id))
    async with app.run_test(size=SIZE) as pilot:
        text = str(app.screen.query_one("#note-text", Static).render())
        assert "signed by" in text and "locked" in text
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddendumForm)
        await choose(pilot, "kind", "clarification")
        await type_in(pilot, "reason", "Wrong [date]")
        await type_in(pilot, "text", "Session was on Tuesday")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoteView)
        assert "Session was on Tuesday" in str(app.screen.query_one("#note-text").render())
        await pilot.press("escape")
        await pilot.pause()
    (result,) = app.results
    stored = saved(AVERY).find_note(note.id)
    assert stored is not None
    addendum = stored.addenda[-1]
    assert (addendum.kind, addendum.reason, addendum.text, addendum.author) == (
        AddendumKind.CLARIFICATION,
        "Wrong [date]",
        "Session was on Tuesday",
        "J. Park",
    )
    assert stored.sections == note.sections  # the signed text itself never changes
    assert result.find_note(note.id) == stored


async def test_addendum_requires_reason_and_text(
    workspace: Workspace, clock: FixedClock, saved: Callable[[str], Patient]
) -> None:
    note = next(n for n in workspace.patient(AVERY).notes if n.signed)
    app = FormHarness(workspace, clock, lambda ws: AddendumForm(ws, AVERY, note.id))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert errors(app) == {"reason": "must not be empty", "text": "must not be empty"}
    assert saved(AVERY).find_note(note.id).addenda == note.addenda
