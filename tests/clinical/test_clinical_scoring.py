"""Instrument scoring exactly as CLINICAL.md section 4, and refusal of impossible answers."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tplan.clinical import (
    ScoringError,
    bam_subscales,
    craving_mean,
    gad7_band,
    gad7_total,
    phq9_band,
    phq9_item9_flag,
    phq9_meaningful_change,
    phq9_total,
)
from tplan.domain import Bam, Gad7, Phq9


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_bands_at_every_boundary(total: int, band: str) -> None:
    assert phq9_band(total) == band


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
     (14, "moderate"), (15, "severe"), (21, "severe")],
)  # fmt: skip
def test_gad7_bands_at_every_boundary(total: int, band: str) -> None:
    assert gad7_band(total) == band


def test_phq9_total_from_items_and_from_the_record() -> None:
    items = [3, 3, 3, 3, 3, 3, 3, 3, 3]
    assert phq9_total(items) == 27
    assert phq9_total(Phq9(items=[0, 1, 2, 3, 0, 1, 2, 3, 0])) == 12


def test_item9_flag_whatever_the_total() -> None:
    assert phq9_item9_flag([0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert not phq9_item9_flag([3, 3, 3, 3, 3, 3, 3, 3, 0])


def test_meaningful_change_is_five_points_either_way() -> None:
    assert phq9_meaningful_change(4, 9)
    assert phq9_meaningful_change(14, 9)
    assert not phq9_meaningful_change(5, 9)


def test_gad7_total() -> None:
    assert gad7_total(Gad7(items=[1, 1, 1, 1, 1, 1, 1])) == 7
    assert gad7_total([3] * 7) == 21


def test_bam_subscales_and_concerns() -> None:
    items = [0] * 17
    items[3] = 1  # item 4: use
    for n in (1, 2, 3, 8, 11, 15):
        items[n - 1] = 2  # risk 12
    for n in (9, 10, 12, 13, 14, 16):
        items[n - 1] = 3  # protective 18
    scales = bam_subscales(Bam(items=items))
    assert (scales.use, scales.risk, scales.protective) == (1, 12, 18)
    assert scales.use_concern and scales.risk_concern and not scales.protective_concern
    calm = bam_subscales([0, 0, 0, 0, 0, 0, 4, 0, 2, 2, 1, 2, 2, 2, 1, 2, 4])
    assert (calm.use, calm.risk, calm.protective) == (0, 2, 12)
    assert not calm.use_concern and not calm.risk_concern and calm.protective_concern


def test_craving_mean_is_exact_and_unknown_without_ratings() -> None:
    assert craving_mean([3, 3, 4]) == Fraction(10, 3)
    assert craving_mean([]) is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: phq9_total([0, 0, 0, 0, 5, 0, 0, 0, 0]),
            "PHQ-9 item 5 is out of range; items are scored 0-3",
        ),
        (lambda: phq9_total([0] * 8), "needs exactly 9 items, got 8"),
        (lambda: phq9_total([0, 0, None, 0, 0, 0, 0, 0, 0]), "PHQ-9 item 3 is missing"),
        (lambda: phq9_total([0] * 10), "got 10"),
        (lambda: phq9_total([0, 0, 0, -1, 0, 0, 0, 0, 0]), "item 4 is out of range"),
        (lambda: phq9_total([0, 0, 0, 1.5, 0, 0, 0, 0, 0]), "item 4 must be a whole number"),
        (lambda: phq9_total([True] + [0] * 8), "item 1 must be a whole number"),
        (lambda: phq9_total("000000000"), "must be a list"),
        (lambda: gad7_total([4, 0, 0, 0, 0, 0, 0]), "GAD-7 item 1 is out of range"),
        (lambda: bam_subscales([5] + [0] * 16), "BAM item 1 is out of range; items are scored 0-4"),
        (lambda: bam_subscales([0] * 16), "BAM needs exactly 17 items"),
        (lambda: phq9_band(28), "0-27"),
        (lambda: gad7_band(-1), "0-21"),
        (lambda: phq9_meaningful_change(3, 30), "0-27"),
        (lambda: craving_mean([11]), "0-10"),
    ],
)
def test_impossible_input_is_refused(call: object, message: str) -> None:
    with pytest.raises(ScoringError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()  # type: ignore[operator]
