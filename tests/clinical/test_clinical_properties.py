"""Property tests: no record crashes the engine, and it never suggests stepping down or
tapering with use in the recent window, a safety flag or (step down) no relapse plan."""

from __future__ import annotations

import json
from datetime import date, timedelta

from clinical_factory import Case, D, day, ready
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tplan.clinical import DEFAULT_POLICY, compute_signals, suggest
from tplan.domain import (
    Bam,
    DrugScreen,
    Gad7,
    LevelCode,
    Patient,
    Phq9,
    ScreenResult,
    UseReport,
)

SUBSTANCES = ["alcohol", "cannabis", "THC", "cocaine", "buprenorphine", "opiates"]
agos = st.integers(min_value=-10, max_value=100)


@st.composite
def schedules(draw: st.DrawFn) -> tuple[str, int, float]:
    level = draw(st.sampled_from([code.value for code in LevelCode]))
    days = draw(st.integers(0, 7))
    hours = 0.0 if days == 0 else draw(st.integers(days, days * 6)) / 2
    return level, days, hours


@st.composite
def notes(draw: st.DrawFn) -> dict[str, object]:
    spec: dict[str, object] = {
        "ago": draw(agos),
        "attendance": draw(st.sampled_from(["attended", "missed", "excused"])),
        "signed": draw(st.booleans()),
    }
    if draw(st.booleans()):
        spec["craving"] = draw(st.integers(0, 10))
    if draw(st.integers(0, 3)) == 0:
        spec["use"] = UseReport(
            used=True,
            substances=draw(st.lists(st.sampled_from(SUBSTANCES), max_size=2)),
            use_date=draw(st.none() | agos.map(day)),
        )
    if draw(st.booleans()):
        results = draw(
            st.lists(
                st.builds(
                    ScreenResult,
                    substance=st.sampled_from(SUBSTANCES),
                    result=st.sampled_from(["negative", "positive", "invalid", "dilute"]),
                    expected=st.booleans(),
                ),
                min_size=1,
                max_size=3,
            )
        )
        spec["screen"] = DrugScreen(results=results, collected_on=draw(st.none() | agos.map(day)))
    measures: list[object] = []
    if draw(st.booleans()):
        measures.append(Phq9(items=draw(st.lists(st.integers(0, 3), min_size=9, max_size=9))))
    if draw(st.integers(0, 3)) == 0:
        measures.append(Gad7(items=draw(st.lists(st.integers(0, 3), min_size=7, max_size=7))))
    if draw(st.integers(0, 3)) == 0:
        measures.append(Bam(items=draw(st.lists(st.integers(0, 4), min_size=17, max_size=17))))
    if measures:
        spec["measures"] = measures
    return spec


@st.composite
def patients(draw: st.DrawFn) -> Patient:
    level, days, hours = draw(schedules())
    admitted = draw(st.integers(0, 150))
    birth = draw(st.sampled_from([date(1980, 1, 1), date(2010, 6, 1), date(2008, 3, 13)]))
    case = Case(admitted_ago=admitted, level=level, days=days, hours=hours, birth=birth)
    for _ in range(draw(st.integers(0, 2))):
        later = draw(st.integers(-10, admitted))
        level, days, hours = draw(schedules())
        case.level(later, level, days, hours)
    if draw(st.booleans()):
        case.set(last_use_at_intake=day(draw(st.integers(admitted, admitted + 200))))
    case.objectives(
        achieved=draw(st.integers(0, 4)),
        open=draw(st.integers(0, 2)),
        cancelled=draw(st.integers(0, 2)),
        since=admitted,
    )
    case.notes.extend(draw(st.lists(notes(), max_size=25)))
    if draw(st.booleans()):
        case.relapse_plan(draw(agos))
    for _ in range(draw(st.integers(0, 2))):
        case.support(
            draw(st.booleans()), (draw(agos), draw(st.sampled_from(["active", "inactive"])))
        )
    for _ in range(draw(st.integers(0, 2))):
        case.risk(
            draw(st.integers(0, 4)),
            (draw(agos), draw(st.sampled_from(["active", "monitoring", "resolved"]))),
        )
    for _ in range(draw(st.integers(0, 1))):
        case.risk_event(draw(agos), kind=draw(st.sampled_from(["overdose", "self_harm", "other"])))
    for _ in range(draw(st.integers(0, 2))):
        case.review(draw(agos), signed=draw(st.booleans()))
    if draw(st.booleans()):
        case.medication("Suboxone", "buprenorphine", start_ago=draw(agos))
    if draw(st.booleans()):
        case.naloxone(draw(agos), on_hand=draw(st.booleans()))
    return case.build()


@st.composite
def near_ready(draw: st.DrawFn) -> Patient:
    """A patient who meets the step-down criteria, disturbed by a few random records."""
    level, days, hours = draw(st.sampled_from([("2.1", 4, 12), ("2.5", 5, 25), ("1", 2, 4)]))
    case = ready(
        attended=draw(st.integers(5, 30)),
        missed=draw(st.integers(0, 4)),
        craving=draw(st.integers(0, 6)),
        level=level,
        days=days,
        hours=hours,
    )
    case.notes.extend(draw(st.lists(notes(), max_size=3)))
    if draw(st.integers(0, 4)) == 0:
        case.set(relapse_prevention=None)
    if draw(st.integers(0, 4)) == 0:
        case.risk(
            draw(st.integers(3, 4)), (draw(agos), draw(st.sampled_from(["active", "resolved"])))
        )
    if draw(st.integers(0, 4)) == 0:
        case.risk_event(draw(agos))
    return case.build()


as_of_dates = st.integers(-20, 40).map(lambda n: D + timedelta(days=n))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(patient=patients(), as_of=as_of_dates)
def test_no_record_crashes_the_engine_and_output_is_deterministic(
    patient: Patient, as_of: date
) -> None:
    first = suggest(patient, as_of)
    assert first == suggest(patient, as_of)
    assert json.loads(json.dumps(first.model_dump(mode="json")))["kind"] == first.kind.value
    if first.kind not in ("continue", "safety_review") or first.fired:
        assert first.step_down_criteria and first.taper_criteria


@SETTINGS
@given(patient=patients() | near_ready(), as_of=as_of_dates | st.just(D))
def test_never_step_down_or_taper_with_recent_use_or_safety_flag(
    patient: Patient, as_of: date
) -> None:
    suggestion = suggest(patient, as_of)
    if suggestion.kind not in ("step_down", "taper"):
        return
    signals = compute_signals(patient, as_of, DEFAULT_POLICY)
    assert not signals.recent_use_events
    assert not signals.safety_flags
    if suggestion.kind == "step_down":
        assert signals.relapse_plan_on is not None
