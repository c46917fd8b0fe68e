"""Signals as of D: windows, use events (dedup and carryover), screens, levels, safety."""

from __future__ import annotations

import pytest
from clinical_factory import Case, D, day, ready

from tplan.clinical import DEFAULT_POLICY, compute_signals
from tplan.clinical.signals import Signals


def signals(case: Case, as_of=D) -> Signals:  # type: ignore[no-untyped-def]
    return compute_signals(case.build(), as_of, DEFAULT_POLICY)


@pytest.mark.parametrize(
    ("substance", "gap", "new_event"),
    [
        ("cannabis", 30, False),
        ("cannabis", 31, True),
        ("cocaine", 7, False),
        ("cocaine", 8, True),
        ("THC", 20, False),  # THC is cannabis by the policy's aliases
    ],
)
def test_carryover_window_per_substance(substance: str, gap: int, new_event: bool) -> None:
    case = Case().use(50, "cannabis" if substance == "THC" else substance)
    case.screen(50 - gap, **{substance: "positive"})
    found = signals(case).use_events
    assert [e.on for e in found] == ([day(50), day(50 - gap)] if new_event else [day(50)])


def test_carryover_counts_from_the_event_not_from_the_last_positive() -> None:
    case = Case().use(70, "cannabis").screen(50, cannabis="positive")
    case.screen(35, cannabis="positive")
    assert [e.on for e in signals(case).use_events] == [day(70), day(35)]


def test_intake_positive_within_carryover_of_last_use_at_intake_is_not_new_use() -> None:
    case = Case(admitted_ago=40).set(last_use_at_intake=day(45), primary_substances=["cannabis"])
    case.screen(40, cannabis="positive")
    s = signals(case)
    assert s.use_events == ()
    assert s.days_since_use == 45


def test_days_since_use_falls_back_to_admission() -> None:
    s = signals(Case(admitted_ago=33))
    assert s.last_use is None and s.days_since_use == 33


def test_one_event_per_date_merges_report_and_screen() -> None:
    case = Case().use(3, "alcohol").screen(3, cocaine="positive", alcohol="positive")
    events = signals(case).use_events
    assert len(events) == 1
    assert events[0].describe() == "2026-03-09 reported alcohol; UDS positive alcohol, cocaine"


def test_windows_are_inclusive_of_d_minus_n_plus_1() -> None:
    s = signals(Case().note(13, "missed").note(14, "attended").note(29, "attended").note(30))
    assert (s.attendance_recent.attended, s.attendance_recent.missed) == (0, 1)
    assert (s.attendance_sustained.attended, s.attendance_sustained.missed) == (2, 1)


def test_consecutive_negatives_count_back_from_latest_and_expected_positive_is_negative() -> None:
    case = Case().medication("buprenorphine", "buprenorphine")
    case.screen(30, cocaine="positive").negative_screens(20, 10)
    case.screen(5, buprenorphine="positive", cocaine="negative")
    s = signals(case)
    assert s.consecutive_negative_screens == 3
    assert [x.status for x in s.screens] == ["positive", "negative", "negative", "negative"]


def test_accepted_intensification_needs_an_increase_within_the_level() -> None:
    raised = signals(Case(days=3, hours=9).level(10, "2.1", 4, 12))
    assert raised.accepted_intensification is not None
    lowered = signals(Case(days=4, hours=12).level(10, "2.1", 3, 9))
    assert lowered.accepted_intensification is None
    new_level = signals(Case(level="1", days=2, hours=4).level(10, "2.1", 3, 9))
    assert new_level.accepted_intensification is None and new_level.days_at_level == 10


def test_only_signed_notes_count() -> None:
    s = signals(Case().note(1, signed=False, craving=9).note(2, craving=1))
    assert s.craving_recent == 1 and s.signed_notes_recent == 1


def test_measure_dated_by_its_own_date_and_previous_is_kept() -> None:
    s = signals(ready())
    assert s.phq9_latest is not None and s.phq9_previous is not None
    assert (s.phq9_latest.total, s.phq9_previous.total) == (6, 12)
    assert s.baseline_phq9


def test_risk_severity_as_of_d_uses_dated_severity() -> None:
    case = Case().risk(4, (20, "active"), severity_changes=((20, 2), (-1, 4)))
    assert signals(case).safety_flags == ()
    assert len(signals(case, day(-1)).safety_flags) == 1


def test_sober_support_as_of_d() -> None:
    case = Case().support(True, (40, "active"), (-3, "inactive")).support(False)
    assert signals(case).sober_supports == ("sponsor",)
    assert signals(case, day(-3)).sober_supports == ()


def test_level_names_per_edition() -> None:
    from tplan.clinical import level_label, level_name

    assert level_name("2.5", "3") == "Partial Hospitalization"
    assert level_name("2.5", "4") == "High-Intensity Outpatient"
    assert level_name("1.0", "4") == "Long-Term Remission Monitoring"
    assert level_label("2.1") == "2.1 IOP"
    with pytest.raises(ValueError):
        level_name("2.2")
