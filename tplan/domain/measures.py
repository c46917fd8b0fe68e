"""Standardized instruments as recorded (item answers); scoring lives in tplan.clinical."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from tplan.domain.base import Model

Item03 = Annotated[int, Field(ge=0, le=3)]
Item04 = Annotated[int, Field(ge=0, le=4)]


class Phq9(Model):
    """PHQ-9: nine items scored 0-3; item 9 is thoughts of self-harm."""

    instrument: Literal["PHQ-9"] = "PHQ-9"
    on: date | None = None
    """Date given; defaults to the note's date of service when it sits on a note."""
    items: list[Item03] = Field(min_length=9, max_length=9)


class Gad7(Model):
    """GAD-7: seven items scored 0-3."""

    instrument: Literal["GAD-7"] = "GAD-7"
    on: date | None = None
    items: list[Item03] = Field(min_length=7, max_length=7)


class Bam(Model):
    """Brief Addiction Monitor: seventeen items 0-4 over the past 30 days (no total)."""

    instrument: Literal["BAM"] = "BAM"
    on: date | None = None
    items: list[Item04] = Field(min_length=17, max_length=17)


Measure = Annotated[Phq9 | Gad7 | Bam, Field(discriminator="instrument")]
"""A scored instrument. Craving (one 0-10 rating) is a field of the progress note."""
