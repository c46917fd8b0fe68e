"""Issue #16 (counselor day): the decision panel's "Why" says each piece of evidence once, and
the caseload's Alerts column at 120x40 cuts between words, not inside one."""

from __future__ import annotations

from counselor_steps import open_patient
from test_safety_decision_everywhere import accept_daras_safety_review

from tplan.ui import forms
from tplan.ui.app import TplanApp
from tplan.ui.screens.caseload import CaseloadScreen

WIDE = (120, 40)


def _why(text: str) -> list[str]:
    """The panel's lines between "Why" and the next heading."""
    lines = [line.strip("│ ") for line in text.splitlines()]
    start = lines.index("Why") + 1
    end = next(i for i in range(start, len(lines)) if not lines[i])
    return lines[start:end]


async def test_two_rules_fired_by_the_same_use_events_show_once(
    app: TplanApp, settle, screen_text
) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await open_patient(pilot, settle, "Dara")
        await pilot.press("d")
        await settle(pilot)
        panel = app.screen
        assert isinstance(panel, forms.DecisionPanel)
        fired = [hit.message for hit in panel.suggestion.fired]
        assert len(fired) > len(set(fired))  # the engine lists both rules (the data stays)
        why = _why(screen_text(app))
        use = [line for line in why if "use events in last" in line]
        assert len(use) == 1 and use[0].startswith("▲▲")


async def test_the_alerts_column_cuts_after_a_whole_word(
    app: TplanApp, settle, screen_text
) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await open_patient(pilot, settle, "Dara")
        await accept_daras_safety_review(pilot, settle)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseloadScreen)
        dara = next(line for line in screen_text(app).splitlines() if "Dara Fenwick" in line)
        alerts = dara[dara.index("ago") + 3 :].strip()  # the last column, after "Last note"
        # the decision leads, and the cut falls between words ("12:00…", never "decide…")
        assert alerts.startswith("!! safety decided 12:00") and alerts.endswith("…")
        assert alerts[:-1] in "!! safety decided 12:00, review pending"
        assert alerts[:-1].split()[-1] in {"12:00", "review", "pending"}
