"""The note form holds the garbage collector off while it builds its widgets: the collector is
on again once the form is whole, and when the form is closed before it was."""

from __future__ import annotations

import gc

import pytest
from textual import events

from tplan.ui import forms
from tplan.ui.screens.caseload import CaseloadScreen


@pytest.fixture
def paused(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per time the note form turned the collector off as it began to build."""
    calls: list[bool] = []
    pause = forms.NoteForm._pause_collector

    def recorded(form: forms.NoteForm) -> None:
        was_on = gc.isenabled()
        pause(form)
        if was_on and not gc.isenabled():
            calls.append(True)

    monkeypatch.setattr(forms.NoteForm, "_pause_collector", recorded)
    return calls


async def test_the_collector_is_on_again_once_the_form_is_whole(app, settle, paused) -> None:
    assert gc.isenabled()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, forms.NoteForm)
        assert form.query("#risk_observations")  # the lower blocks are mounted
        assert paused, "the form held the collector off while it built"
        assert gc.isenabled()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
    assert gc.isenabled()


async def test_the_collector_is_on_again_when_the_form_closes_while_it_opens(
    app, settle, paused
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.post_message(events.Key("n", "n"))
        app.post_message(events.Key("escape", None))
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        assert paused, "the form began to build (and paused the collector) before it closed"
        assert gc.isenabled()
    assert gc.isenabled()
