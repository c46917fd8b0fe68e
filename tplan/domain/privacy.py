"""Privacy mode: every name the record knows (patients, their supports, group members) as
initials.

Free text names people ("Bo attended the group", "Dee Marchetti · partner"); in privacy mode
each capitalised word of a known name shows as its initial wherever it appears. Only the
capitalised words of a name count ("House manager, Birch House" masks "Birch" and "House", not
"manager"), and a match must start with the capital ("Lane" and "LANE", not "lane"), so common
words in notes stay readable. Titles (Ms., Dr., Jr.) are not names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tplan.domain.patient import Patient

HONORIFICS = frozenset({"mr", "mrs", "ms", "mx", "miss", "dr", "prof", "rev", "sr", "jr"})
"""Words that are part of how a name is written but identify no one (lower case)."""
_WORD = re.compile(r"[^\W\d_][\w'-]+")


def name_words(names: Iterable[str]) -> set[str]:
    """The capitalised words (2+ letters) of ``names``, titles left out."""
    return {
        word
        for name in names
        for word in _WORD.findall(name)
        if word[0].isupper() and word.lower() not in HONORIFICS
    }


def _word(word: str) -> str:
    return re.escape(word[0]) + "(?i:" + re.escape(word[1:]) + ")"


def _whole(name: str) -> str | None:
    """The pattern of a whole name of 2+ words when each word is a name word ("Dee Marchetti")."""
    parts = name.split()
    if len(parts) < 2 or name_words(parts) != set(parts):
        return None
    return r"\s+".join(_word(part) for part in parts)


def names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for the whole names and then the single words of ``names``, longest first;
    None when there are none."""
    names = list(names)
    wholes = sorted({w for w in map(_whole, names) if w}, key=lambda w: (-len(w), w))
    words = sorted(name_words(names), key=lambda w: (-len(w), w))
    if not words:
        return None
    alternatives = "|".join([*wholes, *map(_word, words)])
    return re.compile(r"(?<![\w])(" + alternatives + r")(?![\w])")


def record_names(patient: Patient) -> list[str]:
    """The names one record knows: the patient's and their support people's."""
    return [patient.display_name, *(person.name for person in patient.supports)]


def name_pattern(patient: Patient, others: Iterable[str] = ()) -> re.Pattern[str] | None:
    """The patient's and the supports' names (and ``others``, e.g. the rest of the clinic)."""
    return names_pattern([*record_names(patient), *others])


def initial(word: str) -> str:
    return f"{word[0].upper()}."


def initials(found: str) -> str:
    """What a found name becomes: "Dee Marchetti" -> "D.M.", "Bo" -> "B."."""
    return "".join(initial(word) for word in found.split())


def mask_names(text: str, pattern: re.Pattern[str] | None) -> str:
    """``text`` with every known name (or word of one) replaced by its initials."""
    if pattern is None:
        return text
    return pattern.sub(lambda match: initials(match.group(0)), text)
