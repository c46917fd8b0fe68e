"""Issue #16 (counselor day): an intensification made by hand with `l` answers the evidence
behind it, so `d` straight afterwards does not suggest intensifying again from the same
craving mean. Driven by keys at 80x24; the file is read back."""

from __future__ import annotations

from collections.abc import Callable

from counselor_steps import open_patient
from test_forms_harness import type_in
from test_friction_day import SMALL

from tplan.domain import Patient, SuggestionKind
from tplan.ui import forms
from tplan.ui.app import TplanApp
from tplan.ui.forms.frequency_form import FrequencyForm

GALE = "demo-gale-brightwater"


async def test_an_intensification_by_hand_is_not_suggested_again_at_once(
    app: TplanApp, settle, screen_text, saved: Callable[[str], Patient]
) -> None:
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Gale")
        assert "▲ INTENSIFY suggested" in screen_text(app)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, forms.LevelForm)
        await type_in(pilot, "days_per_week", "4")
        await type_in(pilot, "hours_per_week", "12")
        await type_in(pilot, "reason", "Craving high: one more group day")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FrequencyForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "INTENSIFY" not in screen_text(app)  # the header
        await pilot.press("d")
        await settle(pilot)
        shown = " ".join(line.strip("│ ") for line in screen_text(app).splitlines())
        assert "Intensify" not in shown and "5 days a week" not in shown
        assert "= Continue at Level 2.1" in shown
        assert "intensified 2026-03-12: earlier evidence held until 2026-04-11" in shown
    stored = saved(GALE)
    assert (stored.current_level.days_per_week, stored.current_level.hours_per_week) == (4, 12)
    assert stored.level_history[-2].hours_per_week == 9


async def test_the_craving_intensifies_gale_before_the_change(app: TplanApp, settle) -> None:
    """The same record without the change still suggests intensifying (the test above can fail)."""
    async with app.run_test(size=SMALL) as pilot:
        await open_patient(pilot, settle, "Gale")
        await pilot.press("d")
        await settle(pilot)
        panel = app.screen
        assert isinstance(panel, forms.DecisionPanel)
        assert panel.suggestion.kind is SuggestionKind.INTENSIFY
