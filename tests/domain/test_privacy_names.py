"""The one masking rule of privacy mode: known names (whole or word by word) become initials;
lower-case common words and titles stay."""

from __future__ import annotations

from tplan.domain.privacy import mask_names, name_words, names_pattern
from tplan.export.redaction import name_words as identifying_words

NAMES = ["Bo Marchetti", "Dee Marchetti", "House manager, Birch House", "Ms. Ilse Trent (school)"]


def test_whole_names_become_initials_and_single_words_their_initial() -> None:
    pattern = names_pattern(NAMES)
    text = "Dee Marchetti called; Bo came late. MARCHETTI family."
    assert mask_names(text, pattern) == "D.M. called; B. came late. M. family."


def test_common_words_and_titles_are_not_names() -> None:
    pattern = names_pattern(NAMES)
    text = "Met the house manager at Birch House with Ms. Trent from school."
    assert mask_names(text, pattern) == "Met the house manager at B. H. with Ms. T. from school."


def test_privacy_and_redaction_leave_out_the_same_titles() -> None:
    name = "Rev. Dr. Ilse Trent Jr."
    assert name_words([name]) == {"Ilse", "Trent"}
    assert identifying_words(name) == ["Ilse", "Trent"]


def test_no_names_no_pattern() -> None:
    assert names_pattern(["", "  "]) is None
    assert mask_names("Bo", None) == "Bo"
