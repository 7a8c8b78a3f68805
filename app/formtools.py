"""Small helpers for WTForms shared by every package's forms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


def choices(options: Mapping | Iterable[tuple]) -> list[SelectChoice]:
    """`{value: label}` or `[(value, label)]` to the SelectChoice list WTForms 3.3 expects."""
    pairs = options.items() if isinstance(options, Mapping) else options
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """Several options as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
