"""The caseload as a counselor uses it: filter, sort, quick filters, open, badges that update."""

from __future__ import annotations

from counselor_steps import press_until, workers_done

from tplan.domain import ObjectiveStatus
from tplan.ui.screens.caseload import CaseloadScreen
from tplan.ui.screens.patient import PatientScreen
from tplan.ui.widgets.caseload_table import CaseloadTable


def table(app) -> CaseloadTable:
    return app.screen.query_one(CaseloadTable)


def names(app) -> list[str]:
    return [line.name for line in table(app).lines]


async def test_start_screen_lists_active_patients_with_figures(
    app, workspace, settle, screen_text
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        active = [p.display_name for p in workspace.patients()]
        assert names(app) == sorted(active, key=str.lower)
        discharged = {p.display_name for p in workspace.patients(True)} - set(active)
        assert discharged, "the demo has a discharged patient"
        text = screen_text(app)
        assert "Thu 12 Mar" in text
        assert f"{len(active)} active" in text
        for header in ("Patient", "Level", "Att30", "Crav", "PHQ9", "Review", "Suggest"):
            assert header in text
        for name in discharged:
            assert name not in text
        assert "▼ step down" in text
        assert "!! safety" in text
        first = table(app).lines[0]
        assert f"{first.name}: {first.explanation[:30]}" in text.replace("\n ", " ")


async def test_filter_as_you_type_then_back_to_the_table(app, settle, screen_text) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"avery")
        assert names(app) == ["Avery Quill"]
        assert "Avery Quill" in screen_text(app)
        assert "Bo Marchetti" not in screen_text(app)
        await pilot.press("enter")
        assert app.screen.focused is table(app)
        await pilot.press("escape")  # on the table: clears the filter
        assert len(names(app)) > 10
        await pilot.press("slash", *"nobody-by-this-name")
        assert names(app) == []
        assert "No patient matches the filter. Press escape to clear it." in screen_text(app)
        await pilot.press("enter", "escape")  # back to the table, then clear
        assert len(names(app)) > 10
        assert "No patient matches" not in screen_text(app)


async def test_a_quick_filter_with_no_match_says_how_to_clear_it(
    app, workspace, settle, screen_text
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        patients = workspace.patients()
        assert not any(p.counselor == "nobody" for p in patients)
        app.me = "nobody"
        screen.set_quick("mine")
        await pilot.pause()
        assert names(app) == []
        text = screen_text(app).replace("\n ", " ")
        assert "No patient matches the quick filter “mine”. Escape shows all." in text
        assert "No patients yet" not in text
        await pilot.press("escape")
        assert len(names(app)) == len(patients)


async def test_an_empty_record_file_says_how_to_start(tmp_path, clock, screen_text) -> None:
    from tplan.services import Workspace
    from tplan.store import open_repository
    from tplan.ui.app import make_app

    ws = Workspace(open_repository(tmp_path / "empty.json", "J. Park"), clock)
    try:
        app = make_app(ws, clock=clock, me="J. Park")
        async with app.run_test(size=(80, 24)) as pilot:
            await workers_done(app)
            await pilot.pause()
            assert names(app) == []
            text = " ".join(line.strip(" │") for line in screen_text(app).splitlines())
            assert "No patients yet. Press a to admit one" in text
            assert "`tplan import FILE`" in text and "`tplan demo`" in text
            assert "No patient matches" not in text
            await pilot.press("a")
            await pilot.pause()
            assert type(app.screen).__name__ == "AdmitForm"
    finally:
        ws.close()


async def test_sort_cycles_columns_and_reverses(app, settle) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.sort_key == "name"
        await pilot.press("s")
        assert screen.sort_key == "level"
        await press_until(pilot, "s", lambda: screen.sort_key == "phq9", "the PHQ-9 sort")
        scores = [line.sort_keys["phq9"] for line in table(app).lines]
        known = [s for s in scores if s is not None]
        assert known == sorted(known, reverse=True)  # highest (needs attention) first
        await pilot.press("S")
        scores = [line.sort_keys["phq9"] for line in table(app).lines]
        known = [s for s in scores if s is not None]
        assert known == sorted(known)


async def test_quick_filters_and_discharged_patients(app, workspace, settle, screen_text) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")  # overdue reviews
        assert app.screen.quick.value == "overdue"
        assert table(app).lines and all(line.overdue for line in table(app).lines)
        assert "OVERDUE" in screen_text(app)
        await pilot.press("f")  # alerts
        assert all(line.alert_count or line.safety for line in table(app).lines)
        app.screen.set_quick("discharged")
        await settle(pilot)
        discharged = [p.display_name for p in workspace.patients(True) if not p.active]
        assert names(app) == discharged
        await pilot.press("escape")
        assert app.screen.quick.value == "all"


def explain_text(app) -> str:
    return str(app.screen.query_one("#explain").render())


async def test_discharged_records_are_read_only_when_their_filter_is_chosen(
    app, workspace, settle, screen_text, monkeypatch
) -> None:
    closed = {p.id: p.display_name for p in workspace.patients(True) if not p.active}
    read: list[str] = []
    get = workspace.repo.get

    def counting_get(patient_id: str):
        read.append(patient_id)
        return get(patient_id)

    monkeypatch.setattr(workspace.repo, "get", counting_get)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert read and not set(read) & set(closed), "start-up read a discharged record"
        assert f"discharged {len(closed)}" in screen_text(app)  # counted, not read (wide bar)
        # the palette can still jump to them, by their stored names
        directory = {e.patient_id: (e.name, e.active) for e in app.patient_directory()}
        assert {pid: directory[pid] for pid in closed} == {
            pid: (name, False) for pid, name in closed.items()
        }
        screen.set_quick("discharged")
        assert explain_text(app) == "Loading discharged patients…"
        assert names(app) == []
        await settle(pilot)
        assert set(closed) <= set(read)
        assert sorted(names(app)) == sorted(closed.values())
        assert "Loading" not in explain_text(app)
        assert f"[discharged {len(closed)}]" in screen_text(app)
        count = len(read)
        screen.set_quick("all")
        screen.set_quick("discharged")  # read once, then kept
        await settle(pilot)
        assert len(read) == count
        assert sorted(names(app)) == sorted(closed.values())


async def test_my_patients_filter_uses_the_counselor_name(app, workspace, settle) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.set_quick("mine")
        await pilot.pause()
        mine = sorted(
            (p.display_name for p in workspace.patients() if p.counselor == "J. Park"),
            key=str.lower,
        )
        assert names(app) == mine
        assert 0 < len(mine) < len(workspace.patients())


async def test_enter_and_double_click_open_the_patient(app, settle) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        assert isinstance(app.screen, PatientScreen)
        assert app.screen.patient_id == table_line_id(app, 1)
        await pilot.press("escape")
        assert isinstance(app.screen, CaseloadScreen)
        # a click selects (the border is line 0, the titles line 1), a double click opens
        await pilot.click(CaseloadTable, offset=(5, 4))
        assert table(app).cursor == 2
        assert isinstance(app.screen, CaseloadScreen)
        await pilot.click(CaseloadTable, offset=(5, 4), times=2)
        await pilot.pause()
        assert isinstance(app.screen, PatientScreen)
        assert app.screen.patient_id == table_line_id(app, 2)


def table_line_id(app, index: int) -> str:
    caseload = app.screen_stack[0]
    return caseload.query_one(CaseloadTable).lines[index].patient_id


async def test_click_on_a_column_title_sorts_by_it(app, settle) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        layout = table(app)._current_layout()
        x = 0
        for column, width in layout:
            if column.key == "review":
                break
            x += width + 1
        await pilot.click(CaseloadTable, offset=(x + 1, 1))  # row 0 is the border
        assert app.screen.sort_key == "review"
        due = [line.sort_keys["review"] for line in table(app).lines]
        assert due == sorted(due)


async def test_badge_updates_at_once_after_a_change_on_the_patient_screen(
    app, settle, patient_id, saved, today
) -> None:
    avery = patient_id("Avery")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        line = next(line for line in table(app).lines if line.patient_id == avery)
        assert line.cells["suggestion"].text == "▼ step down"
        table(app).move_to(avery)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, PatientScreen)
        plan = screen.query_one("#plan-list")
        objective = next(o for o in screen.patient.objectives())
        assert objective.status is ObjectiveStatus.ACHIEVED
        index = next(
            i for i, o in enumerate(plan._options) if o.id.startswith(f"objective:{objective.id}")
        )
        plan.highlighted = index
        await pilot.press("space")  # the status choice offers the next: not achieved
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        line = next(line for line in table(app).lines if line.patient_id == avery)
        assert line.cells["suggestion"].text != "▼ step down"
    stored = saved(avery).find_objective(objective.id)
    assert stored.status is ObjectiveStatus.NOT_ACHIEVED
    assert stored.history[-1].on == today


async def test_admitting_a_patient_adds_their_row_and_highlights_it(
    app, workspace, settle, saved
) -> None:
    from textual.widgets import Input

    from tplan.ui import forms

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = len(table(app).lines)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, forms.AdmitForm)
        form.query_one("#display_name", Input).focus()
        await pilot.press(*"Zoe", "space", *"Newcombe")
        form.query_one("#birth_date", Input).focus()
        await pilot.press(*"1991-07-04")
        for key, value in (("days_per_week", "3"), ("hours_per_week", "9")):
            field = form.query_one(f"#{key}", Input)
            field.focus()
            await pilot.press(*["backspace"] * len(field.value), *value)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert len(table(app).lines) == before + 1
        current = table(app).current
        assert current is not None and current.name == "Zoe Newcombe"
        assert current.cells["review"].text.startswith("in ")
    assert saved(current.patient_id).display_name == "Zoe Newcombe"


async def test_note_key_needs_an_active_patient(app, settle) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.set_quick("discharged")
        await settle(pilot)
        assert names(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CaseloadScreen)
