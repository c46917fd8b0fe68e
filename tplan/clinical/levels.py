"""ASAM level names per edition and the rank that orders levels (CLINICAL.md section 1)."""

from __future__ import annotations

from tplan.domain import AsamEdition, LevelCode

_NAMES: dict[LevelCode, tuple[str, str]] = {
    # code: (3rd edition 2013, 4th edition 2023)
    LevelCode.L1_0: ("Outpatient", "Long-Term Remission Monitoring"),
    LevelCode.L1: ("Outpatient", "Outpatient Therapy"),
    LevelCode.L1_5: ("Outpatient", "Outpatient Therapy"),
    LevelCode.L2_1: ("Intensive Outpatient", "Intensive Outpatient"),
    LevelCode.L2_5: ("Partial Hospitalization", "High-Intensity Outpatient"),
    LevelCode.L3_1: (
        "Clinically Managed Low-Intensity Residential",
        "Clinically Managed Low-Intensity Residential",
    ),
    LevelCode.L3_5: (
        "Clinically Managed High-Intensity Residential",
        "Clinically Managed High-Intensity Residential",
    ),
    LevelCode.L3_7: ("Medically Monitored Intensive Inpatient", "Medically Managed Residential"),
    LevelCode.L4: ("Medically Managed Intensive Inpatient", "Medically Managed Inpatient"),
}

_SHORT: dict[LevelCode, tuple[str, str]] = {
    LevelCode.L1_0: ("OP", "RM"),
    LevelCode.L1: ("OP", "OP"),
    LevelCode.L1_5: ("OP", "OP"),
    LevelCode.L2_1: ("IOP", "IOP"),
    LevelCode.L2_5: ("PHP", "HIOP"),
    LevelCode.L3_1: ("Res", "Res"),
    LevelCode.L3_5: ("Res", "Res"),
    LevelCode.L3_7: ("Res", "Res"),
    LevelCode.L4: ("Inpt", "Inpt"),
}

LEVEL_RANK: dict[LevelCode, int] = {
    LevelCode.L1_0: 0,
    LevelCode.L1: 1,
    LevelCode.L1_5: 1,  # the 4th edition's name for the 3rd edition's Level 1
    LevelCode.L2_1: 2,
    LevelCode.L2_5: 3,
    LevelCode.L3_1: 4,
    LevelCode.L3_5: 5,
    LevelCode.L3_7: 6,
    LevelCode.L4: 7,
}
"""Intensity order of the levels; 1 and 1.5 are the same level under two editions."""


def _pick(table: dict[LevelCode, tuple[str, str]], code: LevelCode | str, edition: object) -> str:
    level = LevelCode(code)
    third, fourth = table[level]
    return fourth if AsamEdition(edition) is AsamEdition.FOURTH else third


def level_name(code: LevelCode | str, edition: AsamEdition | str = AsamEdition.THIRD) -> str:
    """The level's name in the given ASAM edition, e.g. ("2.5", "4") -> High-Intensity Outpatient.

    Raises ValueError for a code or edition that ASAM does not define.
    """
    return _pick(_NAMES, code, edition)


def level_short(code: LevelCode | str, edition: AsamEdition | str = AsamEdition.THIRD) -> str:
    """A few letters for narrow columns: IOP, PHP (HIOP in the 4th edition), OP, Res ..."""
    return _pick(_SHORT, code, edition)


def level_label(code: LevelCode | str, edition: AsamEdition | str = AsamEdition.THIRD) -> str:
    """Code and short name together, e.g. ``2.1 IOP``."""
    return f"{LevelCode(code).value} {level_short(code, edition)}"
