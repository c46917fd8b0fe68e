"""The clinic policy: CLINICAL.md defaults, TOML overrides, refusal of bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from clinical_factory import D, ready

from tplan.clinical import DEFAULT_POLICY, PolicyError, load_policy, suggest
from tplan.clinical.policy import Policy
from tplan.domain import AgeGroup, LevelCode


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "clinic.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_clinical_md_numbers() -> None:
    p = DEFAULT_POLICY
    assert (p.windows.recent_days, p.windows.sustained_days) == (14, 30)
    assert p.step_down.attendance_percent == 90 and p.step_down.days_at_level == 42
    assert p.taper.attendance_percent == 80 and p.taper.days_at_level == 28
    assert p.step_up.attendance_below_percent == 50 and p.intensify.attendance_below_percent == 75
    assert p.review_cadence_days[LevelCode.L2_1] == 30
    assert p.review_cadence_days[LevelCode.L1] == 90
    assert p.carryover("cannabis") == 30 and p.carryover("cocaine") == 7
    adult = p.hours_range(LevelCode.L2_1, AgeGroup.ADULT)
    teen = p.hours_range(LevelCode.L2_1, AgeGroup.ADOLESCENT)
    assert adult is not None and (adult.min, adult.max) == (9, 19)
    assert teen is not None and (teen.min, teen.max) == (6, 19)
    assert p.ladder == ("1", "2.1", "2.5", "3.5", "3.7", "4")
    assert p.step_up_from(LevelCode.L4) is None and p.step_down_from(LevelCode.L1) is None


def test_valid_toml_overrides_a_few_keys_and_keeps_the_rest(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
name = "Riverside"
[step_down]
attendance_percent = 85
days_at_level = 35
[review_cadence_days]
"2.1" = 14
[carryover_days]
default = 7
cannabis = 45
[hours.adult]
"2.1" = { min = 9, max = 15 }
""",
    )
    policy = load_policy(path)
    assert policy.name == "Riverside"
    assert policy.step_down.attendance_percent == 85
    assert policy.step_down.days_at_level == 35
    assert policy.step_down.negative_screens == 4
    assert policy.review_cadence_days[LevelCode.L2_1] == 14
    assert policy.review_cadence_days[LevelCode.L1] == 90
    assert policy.carryover("cannabis") == 45
    adult = policy.hours_range(LevelCode.L2_1, AgeGroup.ADULT)
    assert adult is not None and adult.max == 15
    # the overridden number changes the suggestion: 25 of 28 is enough at 85%
    patient = ready(attended=25, missed=3).build()
    assert suggest(patient, D).kind == "taper"
    changed = suggest(patient, D, policy)
    assert changed.kind == "step_down" and changed.policy_name == "Riverside"


def test_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    assert load_policy(_write(tmp_path, "")).name == "clinic"


def test_unknown_key_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(_write(tmp_path, "[step_down]\nattendence_percent = 85\n"))
    assert caught.value.key == "step_down.attendence_percent"
    assert "unknown key" in caught.value.reason
    assert "step_down.attendence_percent" in str(caught.value)


def test_unknown_section_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(_write(tmp_path, "[stepdown]\ndays_at_level = 3\n"))
    assert caught.value.key == "stepdown"


@pytest.mark.parametrize(
    ("toml", "key", "reason"),
    [
        ("[step_down]\nattendance_percent = 120\n", "step_down.attendance_percent", "at most 100"),
        ("[windows]\nrecent_days = 0\n", "windows.recent_days", "at least 1"),
        ('[step_down]\ndays_at_level = "six weeks"\n', "step_down.days_at_level", "whole number"),
        ('[review_cadence_days]\n"2.2" = 30\n', "review_cadence_days.2.2", "not a level code"),
        ('[hours.adult]\n"2.1" = { min = 19, max = 9 }\n', "hours.adult.2.1", "above max"),
        ('ladder = ["2.1", "1"]\n', "ladder", "least to most intensive"),
        ('ladder = ["1", "2.1", "9"]\n', "ladder[2]", "not a level code"),
        ("[carryover_days]\ncannabis = -1\n", "carryover_days.cannabis", "at least 0"),
        (
            '[typical_schedule."2.1"]\ndays_per_week = 9\n',
            "typical_schedule.2.1.days_per_week",
            "at most 7",
        ),
    ],
)
def test_bad_value_is_refused_naming_key_and_reason(
    tmp_path: Path, toml: str, key: str, reason: str
) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(_write(tmp_path, toml))
    assert caught.value.key == key
    assert reason in caught.value.reason


def test_broken_toml_and_missing_file_are_policy_errors(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(_write(tmp_path, "[step_down\n"))
    with pytest.raises(PolicyError, match="file not found"):
        load_policy(tmp_path / "absent.toml")


def test_policy_is_immutable() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        DEFAULT_POLICY.name = "changed"  # type: ignore[misc]
    assert Policy().model_dump() == DEFAULT_POLICY.model_dump()


def test_example_in_policy_doc_loads(tmp_path: Path) -> None:
    """docs/POLICY.md's example TOML is a valid policy file."""
    doc = Path(__file__).parents[2] / "docs" / "POLICY.md"
    text = doc.read_text(encoding="utf-8")
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    policy = load_policy(_write(tmp_path, example))
    assert policy.name != "default"
