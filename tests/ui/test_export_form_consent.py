"""The export form asks for the consent of every disclosure beyond the internal chart copy."""

from __future__ import annotations

from tplan.ui import forms


async def test_a_disclosure_outside_treatment_needs_a_named_consent(
    app, settle, patient_id, saved, screen_text, tmp_path, monkeypatch
) -> None:
    from test_forms_harness import type_in

    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    monkeypatch.chdir(tmp_path)  # the form's default folder
    avery = patient_id("Avery")
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        app.open_patient(avery)
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, forms.ExportForm)
        await type_in(pilot, "recipient", "County Drug Court")
        await type_in(pilot, "purpose", "court-ordered compliance report")
        await pilot.press("ctrl+s")  # consent left empty: no silent default
        await settle(pilot)
        assert app.screen is form
        assert "needs its consent named" in screen_text(app)
        await type_in(pilot, "consent", "treatment/payment/operations")
        await pilot.press("ctrl+s")  # TPO cannot serve a court
        await settle(pilot)
        assert app.screen is form
        assert "outside treatment, payment" in screen_text(app)
        assert saved(avery).disclosures == [] and list(tmp_path.iterdir()) == []
        await type_in(pilot, "consent", "consent for court disclosure signed 2026-03-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    (entry,) = saved(avery).disclosures
    assert entry.consent == "consent for court disclosure signed 2026-03-01"
    assert (tmp_path / entry.file_name).exists()


async def test_the_internal_chart_copy_needs_no_consent_typed(
    app, settle, patient_id, saved, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    avery = patient_id("Avery")
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        app.open_patient(avery)
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, forms.ExportForm)
    (entry,) = saved(avery).disclosures
    assert (entry.recipient, entry.consent) == (
        "internal chart copy",
        "treatment/payment/operations",
    )


async def test_a_redacted_copy_from_the_form_is_named_without_the_patient_id(
    app, settle, patient_id, saved, tmp_path, monkeypatch
) -> None:
    from textual.widgets import Checkbox, Input

    monkeypatch.chdir(tmp_path)
    avery = patient_id("Avery")
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        app.open_patient(avery)
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert avery in form.query_one("#path", Input).value
        form.query_one("#redact", Checkbox).value = True
        await settle(pilot)
        assert avery not in form.query_one("#path", Input).value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    (entry,) = saved(avery).disclosures
    assert entry.redacted and entry.file_name.startswith("redacted-plan_")
    assert avery not in entry.file_name and (tmp_path / entry.file_name).exists()
