"""One table of record kinds drives the patient screen's add keys, `a`, `enter` and palette."""

from __future__ import annotations

from tplan.ui import forms
from tplan.ui.app import TplanApp
from tplan.ui.screens.patient import PatientScreen
from tplan.ui.screens.record_kinds import RECORD_KINDS

AVERY = "demo-avery-quill"


def test_every_kind_names_a_form_and_a_tab() -> None:
    from tplan.ui.screens.patient import TABS

    tabs = {tab_id for tab_id, _ in TABS}
    for record in RECORD_KINDS:
        assert isinstance(getattr(forms, record.form), type), record
        assert record.tab in tabs, record
    keys = [record.key for record in RECORD_KINDS if record.key]
    assert len(keys) == len(set(keys))


async def test_each_add_key_opens_its_form_and_the_palette_lists_it(
    app: TplanApp, settle
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_patient(AVERY)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientScreen)
        titles = {command.title for command in screen.palette_commands()}
        for record in RECORD_KINDS:
            if record.kind != "note":
                assert record.title in titles, record.title
            if not record.key or record.kind == "intervention":
                continue
            await pilot.press(record.key)
            await settle(pilot)
            assert type(app.screen).__name__ == record.form, record
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen
        screen.query_one("TabbedContent").active = "supports"
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, forms.SupportForm)
