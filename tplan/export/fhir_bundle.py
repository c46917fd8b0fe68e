"""Building blocks of the FHIR export: resources with per-export ids, dates as a copy shows them.

Resource ids are uuid5 values of the export's own id (its disclosure log entry) and the tplan
id of the record, so one export is reproducible from its log entry, every reference resolves
inside the Bundle, and two exports (a redacted copy and a full copy among them) never share an
id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tplan.export import fhir_codes as codes
from tplan.export.redaction import RelativeDates

ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:tplan:fhir")
"""Namespace of the uuid5 resource ids."""

Resource = dict[str, Any]
Reference = dict[str, str]


@dataclass(frozen=True)
class FhirDates:
    """Dates as the copy may show them: ISO in a full copy, the year alone in a redacted one."""

    relative: RelativeDates | None
    """Set in a redacted copy."""

    def day(self, value: date | datetime) -> str:
        if self.relative is not None:
            return str(value.year)
        if isinstance(value, datetime):
            return instant(value)
        return value.isoformat()

    def offset(self, value: date | datetime) -> list[dict[str, Any]]:
        """In a redacted copy, the days since admission as an extension; nothing otherwise."""
        if self.relative is None:
            return []
        return [{"url": codes.DAYS_SINCE_ADMISSION, "valueInteger": self.relative.offset(value)}]

    def period(self, start: date, end: date | None) -> dict[str, str]:
        result = {"start": self.day(start)}
        if end is not None:
            result["end"] = self.day(end)
        return result


def instant(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # tplan keeps times in UTC
    return value.isoformat()


@dataclass
class BundleBuilder:
    """Collects resources with derived ids and hands back references to them."""

    seed: str
    """The export's id: every resource id derives from it."""
    security: list[dict[str, str]]
    dates: FhirDates
    entries: list[dict[str, Any]] = field(default_factory=list)

    def uuid(self, kind: str, key: str) -> str:
        return str(uuid.uuid5(ID_NAMESPACE, f"{self.seed}/{kind}/{key}"))

    def add(self, kind: str, key: str, body: Resource) -> Reference:
        """Add a resource of type ``kind``; returns a Reference to it."""
        resource_id = self.uuid(kind, key)
        meta = {"security": [dict(label) for label in self.security]}
        resource = {"resourceType": kind, "id": resource_id, "meta": meta, **body}
        self.entries.append({"fullUrl": "urn:uuid:" + resource_id, "resource": resource})
        return {"reference": "urn:uuid:" + resource_id}

    def of_type(self, kind: str) -> list[Reference]:
        return [
            {"reference": entry["fullUrl"]}
            for entry in self.entries
            if entry["resource"]["resourceType"] == kind
        ]


def narrative(text: str) -> dict[str, str]:
    """A generated narrative of plain text (escaped)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{escaped}</div>',
    }
