"""What the suggestion proposes and how it explains itself: targets, headlines, messages."""

from __future__ import annotations

from datetime import date

from clinical_factory import Case, D, day, ready

from tplan.clinical import DEFAULT_POLICY, compute_signals, review_due, suggest
from tplan.domain import Suggestion


def _criterion(suggestion: Suggestion, name: str, taper: bool = False) -> str:
    criteria = suggestion.taper_criteria if taper else suggestion.step_down_criteria
    return next(c.message for c in criteria if c.criterion == name)


def _hit(suggestion: Suggestion, rule: str) -> str:
    return next(h.message for h in suggestion.fired if h.rule == rule)


def test_step_down_from_iop_headline_and_target() -> None:
    suggestion = suggest(ready().build(), D)
    assert suggestion.headline == "Step down to Level 1 (outpatient, 1-2 sessions a week)"
    assert suggestion.target is not None
    assert (suggestion.target.level, suggestion.target.days_per_week) == ("1", 2)
    assert suggestion.target.hours_per_week == 3


def test_step_down_from_php_goes_to_iop_typical_schedule() -> None:
    suggestion = suggest(ready(level="2.5", days=5, hours=25).build(), D)
    assert suggestion.kind == "step_down"
    assert suggestion.target is not None
    assert suggestion.target.level == "2.1"
    assert (suggestion.target.days_per_week, suggestion.target.hours_per_week) == (3, 9)


def test_step_down_from_level_1_is_discharge_to_aftercare() -> None:
    suggestion = suggest(ready(level="1", days=2, hours=4).build(), D)
    assert suggestion.kind == "step_down"
    assert suggestion.target is not None and suggestion.target.level is None
    assert "discharge to aftercare" in suggestion.headline


def test_fourth_edition_names_in_headline() -> None:
    suggestion = suggest(ready(level="2.5", days=5, hours=25, edition="4").build(), D)
    assert suggestion.headline.startswith("Step down to Level 2.1 (intensive outpatient")
    up = suggest(Case(edition="4").sessions(12, 13, within=14).build(), D)
    assert up.headline.startswith("Step up to Level 2.5 (high-intensity outpatient")


def test_taper_is_one_day_fewer_at_same_hours_per_day() -> None:
    suggestion = suggest(ready().objectives(open=4).build(), D)
    assert suggestion.kind == "taper"
    assert suggestion.target is not None
    assert (suggestion.target.days_per_week, suggestion.target.hours_per_week) == (3, 9)
    assert suggestion.target.level == "2.1"


def test_taper_never_below_the_level_minimum() -> None:
    suggestion = suggest(ready(days=3, hours=9).objectives(open=4).build(), D)
    assert suggestion.kind == "continue"
    assert "one day fewer would go below it" in _criterion(
        suggestion, "hours_above_minimum", taper=True
    )


def test_adolescent_minimum_allows_a_taper_an_adult_cannot_take() -> None:
    adolescent = ready(days=3, hours=9, birth=date(2010, 6, 1)).objectives(open=4)
    adult = ready(days=3, hours=9).objectives(open=4)
    assert suggest(adolescent.build(), D).kind == "taper"
    assert suggest(adult.build(), D).kind == "continue"
    assert compute_signals(adolescent.build(), D, DEFAULT_POLICY).age_group == "adolescent"


def test_adolescent_reaches_outpatient_maximum_earlier() -> None:
    def case(birth: date) -> Case:
        return Case(level="1", days=2, hours=5, birth=birth).use(2, "alcohol")

    assert suggest(case(date(2010, 6, 1)).build(), D).kind == "step_up"
    assert suggest(case(date(1990, 6, 1)).build(), D).kind == "intensify"


def test_age_group_override_wins_over_birth_date() -> None:
    case = Case(level="1", days=2, hours=5).use(2, "alcohol").set(age_group="adolescent")
    assert suggest(case.build(), D).kind == "step_up"


def test_intensify_adds_one_day_at_same_hours_per_day() -> None:
    suggestion = suggest(Case(days=3, hours=9).use(2, "alcohol").build(), D)
    assert suggestion.kind == "intensify"
    assert suggestion.target is not None
    assert (suggestion.target.days_per_week, suggestion.target.hours_per_week) == (4, 12)
    assert suggestion.target.added_services == []


def test_intensify_is_capped_at_the_level_maximum() -> None:
    suggestion = suggest(Case(days=4, hours=16).use(2, "alcohol").build(), D)
    assert suggestion.target is not None
    assert (suggestion.target.days_per_week, suggestion.target.hours_per_week) == (5, 19)


def test_intensify_at_five_days_adds_services_without_changing_hours() -> None:
    suggestion = suggest(Case(days=5, hours=15).use(2, "alcohol").build(), D)
    assert suggestion.kind == "intensify"
    assert suggestion.target is not None
    assert suggestion.target.hours_per_week == 15
    assert suggestion.target.added_services == ["an individual session", "a medication evaluation"]


def test_step_up_from_iop_targets_php_typical_schedule() -> None:
    suggestion = suggest(ready().use(3, "alcohol").screen(6, cocaine="positive").build(), D)
    assert suggestion.headline == (
        "Step up to Level 2.5 (partial hospitalization, 5 days a week, 20 hours)"
    )
    assert suggestion.target is not None
    assert (suggestion.target.level, suggestion.target.hours_per_week) == ("2.5", 20)


def test_step_up_from_php_goes_residential() -> None:
    suggestion = suggest(Case(level="2.5", days=5, hours=20).sessions(1, 4, within=14).build(), D)
    assert suggestion.kind == "step_up"
    assert suggestion.target is not None and suggestion.target.level == "3.5"


def test_use_events_message_lists_dated_evidence() -> None:
    suggestion = suggest(ready().use(10, "alcohol").screen(7, cocaine="positive").build(), D)
    assert _hit(suggestion, "step_up.use_events") == (
        "2 use events in last 14 days: 2026-03-02 reported alcohol; 2026-03-05 UDS positive cocaine"
    )


def test_attendance_criterion_message_has_the_numbers() -> None:
    suggestion = suggest(ready(attended=25, missed=3).build(), D)
    assert _criterion(suggestion, "attendance") == (
        "attendance 89% over 30 days (25 of 28), needs >= 90%"
    )


def test_continue_lists_unmet_step_down_criteria() -> None:
    suggestion = suggest(ready().set(relapse_prevention=None).objectives(open=5).build(), D)
    assert suggestion.kind == "continue"
    assert {c.criterion for c in suggestion.unmet_step_down} == {"objectives", "relapse_plan"}
    assert suggestion.headline.endswith("2 step-down criteria unmet")
    assert len(suggestion.step_down_criteria) == 10 and len(suggestion.taper_criteria) == 8


def test_overdose_alert_names_naloxone_status() -> None:
    suggestion = suggest(ready().naloxone(30, on_hand=False).use(3, "heroin").build(), D)
    alert = next(a for a in suggestion.alerts if a.alert == "overdose_risk")
    assert alert.safety
    assert "after 67 days without use" in alert.message
    assert "naloxone NOT on hand when checked 2026-02-10" in alert.message


def test_signals_are_json_safe_and_complete() -> None:
    import json

    signals = suggest(ready(attended=25, missed=3).build(), D).signals
    assert json.loads(json.dumps(signals)) == signals
    assert signals["attendance_sustained"] == "25/28"
    assert signals["attendance_sustained_percent"] == 89
    assert signals["phq9_latest"] == {"on": "2026-03-08", "total": 6, "band": "mild", "item9": 0}
    assert signals["review_due"] == "2026-04-01"
    assert signals["review_status"] == "ok"
    assert signals["at_max_hours"] is False
    assert signals["days_at_level"] == 60


def test_review_due_uses_last_signed_review_and_level_cadence() -> None:
    patient = ready().build()
    assert review_due(patient, D) == day(10 - 30)
    unsigned_only = Case().review(5, signed=False).build()
    assert review_due(unsigned_only, D) == day(60 - 30)
    outpatient = Case(level="1", days=1, hours=2).build()
    assert review_due(outpatient, D) == day(60 - 90)
    assert review_due(patient, day(11)) == day(60 - 30)  # the review of day(10) is after D


def test_discharged_patient_gets_no_level_suggestion() -> None:
    from tplan.domain import Discharge

    patient = ready().set(
        discharge=Discharge(on=day(1), reason="completed", aftercare="weekly SMART meetings")
    )
    suggestion = suggest(patient.build(), D)
    assert suggestion.kind == "continue" and suggestion.target is None
    assert suggestion.headline.startswith("Discharged on 2026-03-11")
    assert suggest(patient.build(), day(2)).kind == "step_down"


def test_before_admission_no_level_in_force() -> None:
    suggestion = suggest(ready().build(), day(61))
    assert suggestion.kind == "continue"
    assert [a.alert for a in suggestion.alerts] == ["no_level"]


def test_as_of_is_reproducible_and_later_records_change_only_later_dates() -> None:
    base = ready()
    later = ready().screen(-2, cocaine="positive").level(-1, "2.5", 5, 20)
    assert suggest(base.build(), D).model_dump(exclude={"patient_id"}) == suggest(
        later.build(), D
    ).model_dump(exclude={"patient_id"})
    assert suggest(later.build(), day(-2)).kind != "step_down"
