"""The note form holds the garbage collector off while it builds its widgets: the collector is
on again once the form is whole, and when the form is closed before it was."""

from __future__ import annotations

import gc

from textual import events

from tplan.ui import forms
from tplan.ui.screens.caseload import CaseloadScreen


async def test_the_collector_is_on_again_once_the_form_is_whole(app, settle) -> None:
    assert gc.isenabled()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, forms.NoteForm)
        assert form.query("#risk_observations")  # the lower blocks are mounted
        assert gc.isenabled()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
    assert gc.isenabled()


async def test_the_collector_is_on_again_when_the_form_closes_while_it_opens(
    app, settle
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.post_message(events.Key("n", "n"))
        app.post_message(events.Key("escape", None))
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert gc.isenabled()
    assert gc.isenabled()
