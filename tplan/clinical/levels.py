"""ASAM level names per edition and the rank that orders levels (CLINICAL.md section 1)."""

from __future__ import annotations

from typing import NamedTuple

from tplan.domain import AsamEdition, LevelCode


class _Level(NamedTuple):
    rank: int
    """Intensity order; 1 and 1.5 are the same level under two editions."""
    names: tuple[str, str]
    """(3rd edition 2013, 4th edition 2023)"""
    short: tuple[str, str]


_LOW_RES = "Clinically Managed Low-Intensity Residential"
_HIGH_RES = "Clinically Managed High-Intensity Residential"
_LEVELS: dict[LevelCode, _Level] = {
    LevelCode.L1_0: _Level(0, ("Outpatient", "Long-Term Remission Monitoring"), ("OP", "RM")),
    LevelCode.L1: _Level(1, ("Outpatient", "Outpatient Therapy"), ("OP", "OP")),
    # the 4th edition's name for the 3rd edition's Level 1
    LevelCode.L1_5: _Level(1, ("Outpatient", "Outpatient Therapy"), ("OP", "OP")),
    LevelCode.L2_1: _Level(2, ("Intensive Outpatient", "Intensive Outpatient"), ("IOP", "IOP")),
    LevelCode.L2_5: _Level(
        3, ("Partial Hospitalization", "High-Intensity Outpatient"), ("PHP", "HIOP")
    ),
    LevelCode.L3_1: _Level(4, (_LOW_RES, _LOW_RES), ("Res", "Res")),
    LevelCode.L3_5: _Level(5, (_HIGH_RES, _HIGH_RES), ("Res", "Res")),
    LevelCode.L3_7: _Level(
        6,
        ("Medically Monitored Intensive Inpatient", "Medically Managed Residential"),
        ("Res", "Res"),
    ),
    LevelCode.L4: _Level(
        7,
        ("Medically Managed Intensive Inpatient", "Medically Managed Inpatient"),
        ("Inpt", "Inpt"),
    ),
}

LEVEL_RANK: dict[LevelCode, int] = {code: level.rank for code, level in _LEVELS.items()}
"""Intensity order of the levels; 1 and 1.5 are the same level under two editions."""


def _pick(pair: tuple[str, str], edition: object) -> str:
    third, fourth = pair
    return fourth if AsamEdition(edition) is AsamEdition.FOURTH else third


def level_name(code: LevelCode | str, edition: AsamEdition | str = AsamEdition.THIRD) -> str:
    """The level's name in the given ASAM edition, e.g. ("2.5", "4") -> High-Intensity Outpatient.

    Raises ValueError for a code or edition that ASAM does not define.
    """
    return _pick(_LEVELS[LevelCode(code)].names, edition)


def level_short(code: LevelCode | str, edition: AsamEdition | str = AsamEdition.THIRD) -> str:
    """A few letters for narrow columns: IOP, PHP (HIOP in the 4th edition), OP, Res ..."""
    return _pick(_LEVELS[LevelCode(code)].short, edition)


def level_label(code: LevelCode | str, edition: AsamEdition | str = AsamEdition.THIRD) -> str:
    """Code and short name together, e.g. ``2.1 IOP``."""
    return f"{LevelCode(code).value} {level_short(code, edition)}"
