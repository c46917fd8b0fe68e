"""At 80x24 the patient header keeps what matters: the suggestion and the safety alert first."""

from __future__ import annotations


async def test_a_safety_suggestion_stays_visible_at_80x24(
    app, patient_id, settle, screen_text
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_patient(patient_id("Dara"))
        await settle(pilot)
        header = screen_text(app).splitlines()[:6]
    status = next(line for line in header if "suggested" in line)
    assert status.lstrip().startswith("!! SAFETY suggested · !! ")  # then the safety alert


async def test_the_review_still_shows_after_the_suggestion_at_120x40(
    app, patient_id, settle, screen_text
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_patient(patient_id("Avery"))
        await settle(pilot)
        text = screen_text(app)
    line = next(row for row in text.splitlines() if "STEP DOWN suggested" in row)
    assert line.index("STEP DOWN suggested") < line.index("Review due in")
