"""When a disclosure needs the patient's consent (42 CFR Part 2): the rule, in one place.

The internal chart copy for treatment, payment and operations is the only export that may
rely on "treatment/payment/operations" without anyone typing it; every other disclosure
names its consent, and one outside treatment, payment and operations needs the patient's
written consent, never the TPO basis.
"""

from __future__ import annotations

INTERNAL = "internal chart copy"
TPO = "treatment/payment/operations"
_TPO_WORDS = {TPO, "tpo", "treatment", "payment", "operations", "treatment/payment"}


def is_tpo(text: str) -> bool:
    return " ".join(text.split()).lower() in _TPO_WORDS


def is_internal(recipient: str, purpose: str) -> bool:
    return " ".join(recipient.split()).lower() == INTERNAL and is_tpo(purpose)


def consent_problem(recipient: str, purpose: str, consent: str) -> str | None:
    """Why the consent cannot serve this disclosure, in a sentence; None when it can."""
    if not consent.strip():
        if is_internal(recipient, purpose):
            return None
        return (
            "a disclosure beyond the internal chart copy needs its consent named: a reference "
            "to the patient's signed consent, or treatment/payment/operations"
        )
    if is_tpo(consent) and not is_tpo(purpose):
        return (
            "this purpose is outside treatment, payment and operations: the disclosure needs "
            "the patient's written consent (give a reference to it)"
        )
    return None


def consent_or_default(recipient: str, purpose: str, consent: str) -> str:
    """The consent as given; the internal chart copy's TPO basis when none was given."""
    if not consent.strip() and is_internal(recipient, purpose):
        return TPO
    return consent.strip()
