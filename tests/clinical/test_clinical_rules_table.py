"""Table of clinical stories from CLINICAL.md section 5: each row builds a patient, asks the
engine for its suggestion as of D and checks the kind and the evidence it gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from clinical_factory import Case, D, ready

from tplan.clinical import suggest
from tplan.domain import Suggestion


@dataclass(frozen=True)
class Row:
    id: str
    case: Callable[[], Case]
    kind: str
    fired: tuple[str, ...] = ()
    """Rule ids that must be among the fired rules."""
    not_fired: tuple[str, ...] = ()
    step_down: dict[str, bool] = field(default_factory=dict)
    """Step-down criteria expected met (True) or unmet (False)."""
    taper: dict[str, bool] = field(default_factory=dict)
    alerts: tuple[str, ...] = ()
    no_alerts: tuple[str, ...] = ()
    signals: dict[str, Any] = field(default_factory=dict)


def cravings(case: Case, *ratings: int) -> Case:
    for ago, rating in enumerate(ratings):
        case.craving(ago, rating)
    return case


ROWS = [
    # --- step down and its boundaries -----------------------------------------------------
    Row("ready for step down", ready, "step_down", fired=("step_down.all_criteria_met",)),
    Row(
        "attendance exactly 90% (27 of 30) meets >= 90%",
        lambda: ready(attended=27, missed=3),
        "step_down",
        step_down={"attendance": True},
        signals={"attendance_sustained": "27/30", "attendance_sustained_percent": 90},
    ),
    Row(
        "attendance 26 of 29 (89.66%) fails >= 90%",
        lambda: ready(attended=26, missed=3),
        "taper",
        step_down={"attendance": False},
        taper={"attendance": True},
        signals={"attendance_sustained_percent": 89},
    ),
    Row(
        "attendance 25 of 28 (89%)",
        lambda: ready(attended=25, missed=3),
        "taper",
        step_down={"attendance": False},
    ),
    Row(
        "excused sessions are not counted",
        lambda: ready(attended=27, missed=3, excused=10),
        "step_down",
        signals={"attendance_sustained": "27/30"},
    ),
    Row(
        "41 days at the level is short of 42",
        lambda: ready(level="2.5", days=5, hours=20).level(41, "2.1", 4, 12),
        "taper",
        step_down={"days_at_level": False},
        signals={"days_at_level": 41},
    ),
    Row(
        "42 days at the level",
        lambda: ready(level="2.5", days=5, hours=20).level(42, "2.1", 4, 12),
        "step_down",
        signals={"days_at_level": 42},
    ),
    Row(
        "a schedule change within the level keeps the days at level",
        lambda: ready().level(10, "2.1", 5, 15),
        "step_down",
        signals={"days_at_level": 60, "days_per_week": 5},
    ),
    Row(
        "craving mean exactly 3 meets <= 3",
        lambda: cravings(ready(craving=None), 3, 3, 3, 3, 3, 3, 3, 3, 3, 3),
        "step_down",
        step_down={"craving": True},
    ),
    Row(
        "craving mean 3.1 fails <= 3",
        lambda: cravings(ready(craving=None), 3, 3, 3, 3, 3, 3, 3, 3, 3, 4),
        "taper",
        step_down={"craving": False},
        signals={"craving_mean_recent": 3.1},
    ),
    Row(
        "one rating per date, the latest written",
        lambda: cravings(ready(craving=None), 3, 3).note(0, craving=9).note(1, craving=3),
        "continue",
        signals={"craving_mean_recent": 6.0, "craving_ratings_recent": 2},
    ),
    Row(
        "29 days since use fails >= 30",
        lambda: ready().use(29, "alcohol"),
        "continue",
        step_down={"days_since_use": False},
        taper={"days_since_use": False},
        signals={"days_since_use": 29},
    ),
    Row(
        "30 days since use",
        lambda: ready().use(30, "alcohol"),
        "step_down",
        signals={"days_since_use": 30},
    ),
    Row(
        "reported use dated by its use date, not the note date",
        lambda: ready().use(2, "alcohol", use_ago=31),
        "step_down",
        signals={"days_since_use": 31, "use_events_recent": 0},
    ),
    Row(
        "no written relapse-prevention plan",
        lambda: ready().set(relapse_prevention=None),
        "taper",
        step_down={"relapse_plan": False},
    ),
    Row(
        "no sober support",
        lambda: ready().set(display_name="No Support").support(False),
        "step_down",
        step_down={"sober_support": True},
    ),
    Row(
        "sober support ended before D",
        lambda: _only_support(ready(), (50, "active"), (5, "inactive")),
        "taper",
        step_down={"sober_support": False},
    ),
    Row(
        "PHQ-9 10 in the sustained window fails < 10",
        lambda: ready().phq9(1, 10),
        "taper",
        step_down={"phq9": False},
    ),
    Row(
        "no PHQ-9 in the sustained window",
        lambda: _without_recent_phq9(),
        "taper",
        step_down={"phq9": False},
        alerts=("no_recent_phq9",),
    ),
    Row(
        "objectives half achieved: taper only",
        lambda: ready().objectives(open=4),
        "taper",
        step_down={"objectives": False},
        taper={"objectives": True},
    ),
    Row(
        "objectives below half achieved",
        lambda: ready().objectives(open=5),
        "continue",
        taper={"objectives": False},
    ),
    Row(
        "cancelled objectives are not active",
        lambda: ready().objectives(cancelled=3),
        "step_down",
        signals={"objectives_active": 4, "objectives_achieved": 4},
    ),
    Row(
        "no active objective means the criteria are unmet",
        lambda: _no_objectives(),
        "continue",
        step_down={"objectives": False},
        taper={"objectives": False},
    ),
    # --- screens ------------------------------------------------------------------------------
    Row(
        "no screens at all",
        lambda: _no_screens(),
        "continue",
        step_down={"negative_screens": False},
        taper={"negative_screens": False},
        alerts=("no_screen",),
    ),
    Row(
        "latest of 4 negatives older than the recent window",
        lambda: _screens_at(15, 20, 25, 28),
        "taper",
        step_down={"negative_screens": False},
        alerts=("no_screen",),
    ),
    Row(
        "a dilute screen breaks the run but is not use",
        lambda: ready().screen(1, alcohol="dilute"),
        "continue",
        not_fired=("intensify.use_event",),
        taper={"negative_screens": False},
        signals={"consecutive_negative_screens": 0, "use_events_recent": 0},
    ),
    Row(
        "expected positive: buprenorphine on the medication list",
        lambda: ready().medication("Suboxone", "buprenorphine").screen(1, buprenorphine="positive"),
        "step_down",
        signals={"consecutive_negative_screens": 5, "use_events_recent": 0},
    ),
    Row(
        "buprenorphine positive without a prescription is use",
        lambda: ready().screen(1, buprenorphine="positive"),
        "intensify",
        fired=("intensify.use_event",),
    ),
    Row(
        "buprenorphine stopped before the screen: unexpected",
        lambda: (
            ready()
            .medication("buprenorphine", start_ago=60, stop_ago=20)
            .screen(1, buprenorphine="positive")
        ),
        "intensify",
    ),
    Row(
        "cannabis positive 20 days after a cannabis event is carryover, not a new event",
        lambda: _carryover("cannabis", "cannabis"),
        "taper",
        signals={"use_events_recent": 0, "days_since_use": 40},
    ),
    Row(
        "cocaine positive 20 days after a cocaine event is a new event (carryover 7 days)",
        lambda: _carryover("cocaine", "cocaine"),
        "continue",
        signals={"days_since_use": 20},
    ),
    Row(
        "cannabis positive after an alcohol event is a new event",
        lambda: _carryover("alcohol", "cannabis"),
        "continue",
        signals={"days_since_use": 20},
    ),
    # --- drafts and as-of ------------------------------------------------------------------
    Row(
        "a draft note's reported use does not count",
        lambda: ready().note(5, signed=False, use=_used("alcohol")),
        "step_down",
        alerts=("draft_note_old",),
    ),
    Row(
        "a draft of 3 days raises no alert yet",
        lambda: ready().note(3, signed=False),
        "step_down",
        no_alerts=("draft_note_old",),
    ),
    Row(
        "the same note signed is use",
        lambda: ready().note(5, use=_used("alcohol")),
        "intensify",
        fired=("intensify.use_event",),
    ),
    Row(
        "an objective achieved after D is not achieved as of D",
        lambda: ready().objective((50, "in_progress"), (-2, "achieved")),
        "taper",
        step_down={"objectives": False},
    ),
    Row(
        "an objective created after D does not exist as of D",
        lambda: ready().objective((-1, "not_started")),
        "step_down",
    ),
    Row(
        "a level change after D is ignored",
        lambda: ready().level(-3, "2.5", 5, 20),
        "step_down",
        signals={"level": "2.1"},
    ),
    Row(
        "a screen after D is ignored",
        lambda: ready().screen(-1, cocaine="positive"),
        "step_down",
    ),
    # --- conflicting signals ----------------------------------------------------------------
    Row(
        "all objectives met but a positive screen 10 days ago",
        lambda: ready().screen(10, cocaine="positive"),
        "intensify",
        fired=("intensify.use_event",),
        step_down={"objectives": True, "days_since_use": False},
    ),
    # --- step up and intensify ---------------------------------------------------------------
    Row(
        "two use events in the recent window",
        lambda: ready().use(3, "alcohol").screen(6, cocaine="positive"),
        "step_up",
        fired=("step_up.use_events", "intensify.use_event"),
    ),
    Row(
        "two reports on one date are one event",
        lambda: ready().use(3, "alcohol").note(3, use=_used("cannabis")),
        "intensify",
        not_fired=("step_up.use_events",),
        signals={"use_events_recent": 1},
    ),
    Row(
        "use at the level's maximum hours",
        lambda: ready(days=5, hours=19).use(3, "alcohol"),
        "step_up",
        fired=("step_up.use_at_max",),
    ),
    Row(
        "use after an accepted intensification",
        lambda: ready().level(20, "2.1", 5, 15).use(3, "alcohol"),
        "step_up",
        fired=("step_up.use_after_intensification",),
    ),
    Row(
        "an intensification older than the sustained window does not count",
        lambda: ready().level(40, "2.1", 5, 15).use(3, "alcohol"),
        "intensify",
        not_fired=("step_up.use_after_intensification",),
    ),
    Row(
        "attendance 12 of 25 (48%) in the recent window",
        lambda: Case().sessions(12, 13, within=14),
        "step_up",
        fired=("step_up.attendance",),
    ),
    Row(
        "attendance exactly 50% is not below 50% but below 75%",
        lambda: Case().sessions(5, 5, within=14),
        "intensify",
        fired=("intensify.attendance",),
        not_fired=("step_up.attendance",),
    ),
    Row(
        "attendance exactly 75% does not intensify",
        lambda: Case().sessions(9, 3, within=14),
        "continue",
        not_fired=("intensify.attendance",),
    ),
    Row(
        "attendance 14 of 19 (73%) intensifies",
        lambda: Case().sessions(14, 5, within=14),
        "intensify",
        fired=("intensify.attendance",),
    ),
    Row(
        "no session in the window: attendance unknown fires nothing",
        lambda: Case(),
        "continue",
        alerts=("no_signed_note", "no_screen", "no_baseline_phq9"),
        signals={"attendance_recent": None},
    ),
    Row(
        "craving mean 7 intensifies",
        lambda: Case().sessions(4, within=14, craving=7),
        "intensify",
        fired=("intensify.craving",),
    ),
    Row(
        "craving mean 6.75 does not",
        lambda: cravings(Case(), 7, 7, 7, 6),
        "continue",
        not_fired=("intensify.craving",),
    ),
    Row(
        "PHQ-9 15 intensifies",
        lambda: ready().phq9(1, 15),
        "intensify",
        fired=("intensify.phq9_high",),
    ),
    Row(
        "PHQ-9 14 does not",
        lambda: Case().phq9(1, 14),
        "continue",
        not_fired=("intensify.phq9_high",),
    ),
    Row(
        "PHQ-9 up 5 points intensifies",
        lambda: Case().phq9(20, 4).phq9(1, 9),
        "intensify",
        fired=("intensify.phq9_rise",),
    ),
    Row(
        "PHQ-9 up 4 points does not",
        lambda: Case().phq9(20, 4).phq9(1, 8),
        "continue",
        not_fired=("intensify.phq9_rise",),
    ),
    Row(
        "a PHQ-9 rise from outside the sustained window does not count",
        lambda: Case().phq9(40, 2).phq9(1, 9),
        "continue",
        not_fired=("intensify.phq9_rise",),
    ),
    Row(
        "BAM Use 1 intensifies",
        lambda: Case().bam(2, use=1),
        "intensify",
        fired=("intensify.bam_use",),
    ),
    Row(
        "BAM Risk 12 intensifies",
        lambda: Case().bam(2, risk=12),
        "intensify",
        fired=("intensify.bam_risk",),
    ),
    Row(
        "BAM Risk 11 does not",
        lambda: Case().bam(2, risk=11),
        "continue",
        not_fired=("intensify.bam_risk",),
    ),
    Row(
        "a BAM older than 30 days does not",
        lambda: Case().bam(30, use=3),
        "continue",
        not_fired=("intensify.bam_use",),
    ),
    # --- safety ---------------------------------------------------------------------------------
    Row(
        "PHQ-9 item 9 above 0 whatever the total",
        lambda: ready().phq9(1, 2, item9=1),
        "safety_review",
        fired=("safety.phq9_item9",),
        step_down={"no_safety_flag": False},
        taper={"no_safety_flag": False},
    ),
    Row(
        "item 9 cleared by a later PHQ-9 with item 9 = 0",
        lambda: ready().phq9(6, 5, item9=1).phq9(1, 4),
        "step_down",
        not_fired=("safety.phq9_item9",),
    ),
    Row(
        "an open risk of severity 4",
        lambda: ready().risk(4),
        "safety_review",
        fired=("safety.risk_severity",),
    ),
    Row(
        "a severity-4 risk under monitoring is still open",
        lambda: ready().risk(4, (20, "active"), (5, "monitoring")),
        "safety_review",
    ),
    Row(
        "the risk lowered clears the flag",
        lambda: ready().risk(4, (20, "active"), severity_changes=((20, 4), (3, 2))),
        "step_down",
    ),
    Row(
        "the risk closed clears the flag",
        lambda: ready().risk(4, (20, "active"), (2, "resolved")),
        "step_down",
    ),
    Row(
        "an overdose event after the last signed review",
        lambda: ready().risk_event(5),
        "safety_review",
        fired=("safety.overdose_event",),
    ),
    Row(
        "an overdose event on the day of the last review still counts",
        lambda: ready().risk_event(10),
        "safety_review",
    ),
    Row(
        "a review signed after the overdose event clears it",
        lambda: ready().risk_event(12),
        "step_down",
    ),
    Row(
        "an unsigned review does not clear it",
        lambda: _unreviewed().risk_event(12).review(3, signed=False),
        "safety_review",
    ),
    Row(
        "a self-harm event calls for a safety review too",
        lambda: ready().risk_event(5, kind="self_harm"),
        "safety_review",
        fired=("safety.self_harm_event",),
    ),
    Row(
        "safety outranks step up",
        lambda: ready().use(3, "alcohol").use(6, "cocaine").phq9(1, 3, item9=2),
        "safety_review",
        fired=("safety.phq9_item9", "step_up.use_events"),
    ),
    Row(
        "no step up from Level 4: safety review",
        lambda: Case(level="4", days=7, hours=0).use(2, "alcohol").use(5, "alcohol"),
        "safety_review",
        fired=("step_up.use_events", "safety.step_up_from_top"),
    ),
    # --- alerts ---------------------------------------------------------------------------------
    Row(
        "use after 70 days without use: overdose risk",
        lambda: ready().use(3, "heroin"),
        "intensify",
        alerts=("overdose_risk",),
    ),
    Row(
        "use after 29 days without use: no overdose alert",
        lambda: ready().use(32, "alcohol").use(3, "alcohol"),
        "intensify",
        no_alerts=("overdose_risk",),
    ),
    Row(
        "review due in 7 days",
        lambda: _unreviewed().review(23),
        "step_down",
        alerts=("review_due_soon",),
    ),
    Row(
        "review due in 8 days: no alert",
        lambda: _unreviewed().review(22),
        "step_down",
        no_alerts=("review_due_soon", "review_overdue"),
    ),
    Row(
        "review overdue",
        lambda: _unreviewed(),
        "step_down",
        alerts=("review_overdue",),
    ),
    Row(
        "baseline PHQ-9 within 7 days of admission",
        ready,
        "step_down",
        no_alerts=("no_baseline_phq9", "no_signed_note", "no_screen", "no_recent_phq9"),
    ),
]


def _used(*substances: str) -> Any:
    from tplan.domain import UseReport

    return UseReport(used=True, substances=list(substances))


def _only_support(case: Case, *changes: tuple[int, str]) -> Case:
    case.lists["supports"].clear()
    return case.support(True, *changes)


def _without_recent_phq9() -> Case:
    case = ready()
    for spec in case.notes:
        if spec["ago"] == 4:
            spec.pop("measures")
    return case


def _no_objectives() -> Case:
    case = ready()
    case.objective_list.clear()
    return case


def _no_screens() -> Case:
    case = ready()
    for spec in case.notes:
        spec.pop("screen", None)
    return case


def _screens_at(*agos: int) -> Case:
    return _no_screens().negative_screens(*agos)


def _carryover(earlier: str, later: str) -> Case:
    """An event of ``earlier`` 40 days ago and an unexpected ``later`` positive 20 days ago."""
    return ready().use(40, earlier).screen(20, **{later: "positive"})


def _unreviewed() -> Case:
    case = ready()
    case.lists["reviews"].clear()
    return case


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_rule_table(row: Row) -> None:
    suggestion: Suggestion = suggest(row.case().build(), D)
    fired = {hit.rule for hit in suggestion.fired}
    alerts = {alert.alert for alert in suggestion.alerts}
    step_down = {c.criterion: c.met for c in suggestion.step_down_criteria}
    taper = {c.criterion: c.met for c in suggestion.taper_criteria}

    assert suggestion.kind == row.kind, (suggestion.headline, fired, suggestion.unmet_step_down)
    assert set(row.fired) <= fired, fired
    assert not set(row.not_fired) & fired, fired
    assert {k: step_down[k] for k in row.step_down} == row.step_down
    assert {k: taper[k] for k in row.taper} == row.taper
    assert set(row.alerts) <= alerts, alerts
    assert not set(row.no_alerts) & alerts, alerts
    assert {k: suggestion.signals[k] for k in row.signals} == row.signals


def test_table_is_large_enough() -> None:
    assert len(ROWS) >= 40
