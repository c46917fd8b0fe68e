"""After an accepted intensification the evidence it answered does not suggest another one
(issue #16, counselor-day item): only evidence dated on or after the change counts while the
change is in the sustained window, the window the step-up rules give an intensification."""

from __future__ import annotations

from clinical_factory import Case, D, day

from tplan.clinical import suggest
from tplan.domain import Suggestion


def _suggest(case: Case) -> Suggestion:
    return suggest(case.build(), D)


def _craving_case(changed_ago: int) -> Case:
    """Craving 8 at every session of the last 14 days; 4 -> 5 days a week ``changed_ago``."""
    return Case().sessions(8, within=14, craving=8).level(changed_ago, "2.1", 5, 15)


def test_craving_that_was_answered_does_not_intensify_again() -> None:
    before = _suggest(Case().sessions(8, within=14, craving=8))
    after = _suggest(_craving_case(0))

    assert before.kind == "intensify" and "intensify.craving" in {h.rule for h in before.fired}
    assert after.kind == "continue"
    assert not [hit for hit in after.fired if hit.kind == "intensify"]
    assert f"intensified {day(0).isoformat()}" in after.headline
    assert f"held until {day(-30).isoformat()}" in after.headline


def test_a_recent_window_wholly_after_the_change_counts_again() -> None:
    """Day 12 after the change the window still holds a day from before it; day 13 it does not."""
    assert _suggest(_craving_case(12)).kind == "continue"
    renewed = _suggest(_craving_case(13))
    assert renewed.kind == "intensify"
    assert "intensify.craving" in {hit.rule for hit in renewed.fired}
    assert "held until" not in renewed.headline


def test_new_evidence_after_the_change_still_intensifies() -> None:
    """A PHQ-9 of 15 dated after the change is new evidence; one dated before is not."""
    old = _suggest(Case().phq9(5, 16).level(3, "2.1", 5, 15))
    new = _suggest(Case().phq9(2, 16).level(3, "2.1", 5, 15))

    assert old.kind == "continue" and "held until" in old.headline
    assert new.kind == "intensify"
    assert "intensify.phq9_high" in {hit.rule for hit in new.fired}


def test_use_after_the_change_steps_up_and_use_before_it_does_not_intensify() -> None:
    before = _suggest(Case().use(5, "alcohol").level(3, "2.1", 5, 15))
    after = _suggest(Case().use(2, "alcohol").level(3, "2.1", 5, 15))

    assert before.kind == "continue"
    assert after.kind == "step_up"
    assert "step_up.use_after_intensification" in {hit.rule for hit in after.fired}


def test_a_lowered_schedule_holds_nothing() -> None:
    """Only an increase of hours is an intensification: a taper leaves every rule as it was."""
    lowered = _suggest(Case().sessions(8, within=14, craving=8).level(0, "2.1", 3, 9))
    assert lowered.kind == "intensify"
