"""Clinical rules: scoring, the clinic policy, signals as of a date and the suggestion engine.

Pure functions over domain objects; the only I/O is reading a policy TOML file.
"""

from tplan.clinical.engine import review_due, suggest
from tplan.clinical.expected import ExpectedSession, Outcome, SessionBook, scheduled_hours
from tplan.clinical.levels import LEVEL_RANK, level_label, level_name, level_short
from tplan.clinical.policy import DEFAULT_POLICY, Policy, PolicyError, load_policy
from tplan.clinical.scoring import (
    BamSubscales,
    ScoringError,
    bam_subscales,
    craving_mean,
    gad7_band,
    gad7_total,
    phq9_band,
    phq9_item9,
    phq9_item9_flag,
    phq9_meaningful_change,
    phq9_total,
)
from tplan.clinical.signals import Signals, compute_signals, safety_messages

__all__ = [
    "DEFAULT_POLICY",
    "LEVEL_RANK",
    "BamSubscales",
    "ExpectedSession",
    "Outcome",
    "Policy",
    "PolicyError",
    "ScoringError",
    "SessionBook",
    "Signals",
    "bam_subscales",
    "compute_signals",
    "craving_mean",
    "gad7_band",
    "gad7_total",
    "level_label",
    "level_name",
    "level_short",
    "load_policy",
    "phq9_band",
    "phq9_item9",
    "phq9_item9_flag",
    "phq9_meaningful_change",
    "phq9_total",
    "review_due",
    "safety_messages",
    "scheduled_hours",
    "suggest",
]
