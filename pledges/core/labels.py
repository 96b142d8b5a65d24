"""Display labels of choices, translated once per language.

Model.get_FOO_display() rebuilds and translates every choice on each call,
which dominates a 600-row page or export; lists use these instead.
"""

from functools import cache

from django.utils.translation import get_language


@cache
def _labels(choices, language: str) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def label_of(choices, value: str) -> str:
    """The label of `value` in a TextChoices class, in the active language."""
    return _labels(choices, get_language()).get(value, value)
