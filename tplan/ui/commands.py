"""Command palette providers: jump to any patient by name (the actions come from the app's
``get_system_commands`` and the current screen's ``palette_commands``)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any, Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher


class DirectoryEntry(Protocol):
    patient_id: str
    name: str
    initials: str
    active: bool


def safe_highlight(matcher: Matcher, candidate: str) -> Content:
    """Like ``Matcher.highlight`` but never reads the candidate as markup (names are user text)."""
    content = Content(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if not score:
        return content
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class PatientCommands(Provider):
    """ "Open <patient>": matches the real name, shows initials while privacy is on."""

    def _entries(self) -> Iterator[DirectoryEntry]:
        directory = getattr(self.app, "patient_directory", None)
        if callable(directory):
            yield from directory()

    def _shown(self, entry: DirectoryEntry) -> str:
        app: Any = self.app
        return entry.initials if getattr(app, "privacy", False) else entry.name

    def _open(self, patient_id: str) -> None:
        app: Any = self.app
        app.open_patient(patient_id)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        privacy = bool(getattr(self.app, "privacy", False))
        for entry in self._entries():
            score = matcher.match(entry.name)
            if score <= 0:
                continue
            shown = self._shown(entry)
            label = Content(shown) if privacy else safe_highlight(matcher, shown)
            suffix = "" if entry.active else " (discharged)"
            yield Hit(
                score,
                Content.assemble("Open ", label, suffix),
                partial(self._open, entry.patient_id),
                text=f"Open {shown}",
                help="Show this patient's plan",
            )

    async def discover(self) -> Hits:
        for entry in self._entries():
            if entry.active:
                yield DiscoveryHit(
                    Content.assemble("Open ", Content(self._shown(entry))),
                    partial(self._open, entry.patient_id),
                    text=f"Open {self._shown(entry)}",
                    help="Show this patient's plan",
                )
