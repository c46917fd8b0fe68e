"""The JSON interchange envelope that ``tplan import`` reads and the JSON export writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from tplan.domain.base import SCHEMA_VERSION, Model
from tplan.domain.patient import Patient

PART2_NOTICE = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
"""The short form of the 42 CFR 2.32 notice that every disclosed copy carries."""

INTERCHANGE_FORMAT = "tplan.interchange"


class Envelope(Model):
    format: Literal["tplan.interchange"] = INTERCHANGE_FORMAT
    schema_version: int = Field(default=SCHEMA_VERSION, ge=1)
    generated_at: datetime
    as_of: date
    notice: str = PART2_NOTICE
    patients: list[Patient] = Field(default_factory=list)
