"""Group confidentiality (CLINICAL.md section 8): each member's note is part of that member's
record alone, so neither the shared part nor a member's individual part may name another
member of the roster. This check finds first or last names of other members (whole words,
any case); the findings are shown on the counselor's screen only, never logged or exported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tplan.domain.group_notes import GroupNote, MemberPart


@dataclass(frozen=True, slots=True)
class Finding:
    """A name of a roster member found in a part of the group note."""

    part: str
    """``shared`` or the patient id of the member whose individual part holds the name."""
    named: str
    """The patient id of the member who is named."""
    word: str
    """The name as found in the text."""


def name_words(display_name: str) -> tuple[str, ...]:
    """The first and last name of a display name (one word: just that)."""
    words = [w for w in re.split(r"\s+", display_name.strip()) if any(c.isalpha() for c in w)]
    if not words:
        return ()
    return tuple(dict.fromkeys([words[0], words[-1]]))


def _texts(member: MemberPart) -> list[str]:
    return [*member.sections.values(), member.risk_observations]


def _found(text: str, word: str) -> bool:
    pattern = rf"(?<!\w){re.escape(word)}(?!\w)"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def confidentiality_findings(note: GroupNote, roster: Mapping[str, str]) -> list[Finding]:
    """Names of roster members (``roster``: patient id -> display name) in the note's parts.

    The shared part may name nobody on the roster; a member's part may name nobody but the
    member (a word of the member's own name is not a finding, even if another member shares it).
    """
    words = {pid: name_words(name) for pid, name in roster.items()}
    findings: list[Finding] = []
    shared = f"{note.shared.topic}\n{note.shared.content}"
    for pid, names in words.items():
        findings.extend(Finding("shared", pid, w) for w in names if _found(shared, w))
    for member in note.members:
        own = {w.casefold() for w in words.get(member.patient_id, ())}
        text = "\n".join(_texts(member))
        for pid, names in words.items():
            if pid == member.patient_id:
                continue
            findings.extend(
                Finding(member.patient_id, pid, w)
                for w in names
                if w.casefold() not in own and _found(text, w)
            )
    return findings


def describe_finding(finding: Finding, roster: Mapping[str, str]) -> str:
    """E.g. ``Bo Marchetti's part names "Avery" (Avery Quill)`` (for the counselor's screen)."""
    where = (
        "the shared part"
        if finding.part == "shared"
        else f"{roster.get(finding.part, finding.part)}'s part"
    )
    return f'{where} names "{finding.word}" ({roster.get(finding.named, finding.named)})'
