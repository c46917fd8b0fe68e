"""Privacy mode: every name the record knows (the patient's and their supports') as initials.

Free text names people ("Bo attended the group", "Dee Marchetti · partner"); in privacy mode
each word of a known name shows as its initial, wherever it appears.
"""

from __future__ import annotations

import re

from tplan.domain.patient import Patient


def name_pattern(patient: Patient) -> re.Pattern[str] | None:
    """Whole words of the patient's and the supports' names (2+ letters), longest first."""
    names = [patient.display_name, *(person.name for person in patient.supports)]
    words = {word for name in names for word in re.findall(r"[^\W\d_][\w'-]+", name)}
    if not words:
        return None
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(
        r"(?<![\w])(" + "|".join(re.escape(w) for w in ordered) + r")(?![\w])", re.IGNORECASE
    )


def initial(word: str) -> str:
    return f"{word[0].upper()}."


def mask_names(text: str, pattern: re.Pattern[str] | None) -> str:
    """``text`` with every known name word replaced by its initial."""
    if pattern is None:
        return text
    return pattern.sub(lambda match: initial(match.group(0)), text)
