"""The record format's version and the text rule, in plain Python (no pydantic).

The domain builds its models on these (``tplan.domain.base`` re-exports them); the store uses
them on its start path, where a record file is opened and the caseload painted before pydantic
or the domain is imported (issue #14). The text rule itself is explained in
``tplan.domain.base``.
"""

from __future__ import annotations

import re

SCHEMA_VERSION = 1
"""Version of the record format; bumped with a migration step in tplan.store.migrations."""

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 20_000

_CONTROLS = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
_SURROGATES = r"\ud800-\udfff"
_FORMATS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)
_CONTROL = re.compile(f"[{_CONTROLS}]")
_SURROGATE = re.compile(f"[{_SURROGATES}]")
FORMAT_CHARACTERS = re.compile(f"[{_FORMATS}]")
"""Unicode category Cf (format characters), as of Unicode 15."""
_SUSPECT = re.compile(f"[{_CONTROLS}{_SURROGATES}{_FORMATS}]")
_SUSPECT_STORED = re.compile(f"[{_CONTROLS}{_SURROGATES}]")
"""Any character the rule refuses, in one scan: almost all text has none (loading the clinic's
240 active patients checks ~96,000 strings), and only text that has one is looked at again to
say which."""


def check_text(value: str, stored: bool = False) -> str:
    """The text rule (see the module docstring); ValueError names the character, never the
    text. ``stored``: text already in a record file, where format characters are tolerated."""
    if not (_SUSPECT_STORED if stored else _SUSPECT).search(value):
        return value
    bad = _CONTROL.search(value)
    if bad:
        raise ValueError(
            f"contains an invisible control character (U+{ord(bad.group()):04X}); "
            "remove it and try again"
        )
    if _SURROGATE.search(value):
        raise ValueError("contains a broken character that cannot be saved")
    bad = None if stored else FORMAT_CHARACTERS.search(value)
    if bad:
        raise ValueError(
            f"contains an invisible format character (U+{ord(bad.group()):04X}) at character "
            f"{bad.start() + 1}; remove it and try again"
        )
    return value


def check_person_name(value: str) -> str:
    """A clinician's name as the audit trail records it: the rules of ``Name`` (one printable
    line of at most 200 characters, no control or format character)."""
    check_not_blank(check_single_line(check_text(value)))
    if len(value) > SHORT_TEXT_MAX:
        raise ValueError(f"is too long (at most {SHORT_TEXT_MAX} characters)")
    return value


def check_single_line(value: str) -> str:
    if "\n" in value or "\t" in value:
        raise ValueError("must be a single line")
    return value


def check_not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


STORED = {"stored": True}
"""Validation context of records read back (every backend): text stored before a rule
tightened still loads; saving it again asks for the character to go."""
