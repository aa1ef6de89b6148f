"""Why points moved, stored as a code and JSON parameters and worded in the reader's language at display.

A ledger entry keeps ``reason_code`` and ``reason_params`` (``Reason``); its ``reason`` column keeps the
English wording as well, for the operators' admin and its search. An entry written by a person (a brand's
adjustment, an order's note) or before codes existed has no code: its ``reason`` text is shown as written.

Parameters are JSON values: numbers stay numbers (formatted with the reader's separators), a date is an ISO
string (formatted with the reader's short date format), a rule kind, a metric or a quality criterion is its
code (worded from the models' choices). Three optional parameters add a clause to any reason: ``factor``
(a multiplier), ``cut`` with ``asked`` (the challenge budget cut the credit), ``taken`` with ``amount`` (a
reversal found fewer points than it had to take back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from relais.incentives.models import ObjectiveMetric, RuleKind

# Numbers that name a thing (a line's id) are written as they are, never with thousands separators.
IDENTIFIERS = frozenset({"line"})

TEXT = ""  # no code: the stored text, as a person wrote it (or as it was before codes)

REASONS: dict[str, Promise] = {
    "line_rule": gettext_lazy("%(rule)s on line %(line)s"),
    "quality_bonus": gettext_lazy("Declaration quality bonus (%(met)s)"),
    "objective_bonus": gettext_lazy("Objective %(metric)s reached at %(pct)s%% (tier %(tier)s%%)"),
    "expired": gettext_lazy("Points expired on %(date)s"),
    "line_rejected": gettext_lazy("Line rejected by the brand"),
    "redeemed": gettext_lazy("%(quantity)s × %(reward)s"),
    "order_cancelled": gettext_lazy("Order cancelled"),
    "order_cancelled_note": gettext_lazy("Order cancelled: %(note)s"),
    "training_completed": gettext_lazy("Training completed: %(module)s"),
    "promotion_units": gettext_lazy("Promotion %(promotion)s: %(units)s units sold"),
    "promotion_bonus": gettext_lazy("Promotion %(promotion)s: bonus reward %(reward)s"),
    "pos_order": gettext_lazy("%(quantity)s × %(item)s (point-of-sale material)"),
    "pos_order_refunded": gettext_lazy("Point-of-sale order refused: %(item)s"),
}

QUALITY_CRITERIA: dict[str, Promise] = {
    "on_time": pgettext_lazy("quality criterion", "on time"),
    "channel_split": pgettext_lazy("quality criterion", "sales channel given"),
    "customer_profile": pgettext_lazy("quality criterion", "customer type given"),
    "feedback": pgettext_lazy("quality criterion", "customer feedback"),
    "consistent": pgettext_lazy("quality criterion", "consistent with history"),
}


@dataclass(frozen=True)
class Reason:
    """A reason as stored: a code of ``REASONS`` and its parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def adding(self, **params: Any) -> Reason:
        """The same reason with more parameters (a multiplier, a budget cut)."""
        return Reason(self.code, {**self.params, **params})

    def english(self) -> str:
        """The wording kept in the ``reason`` column (operators' admin and search)."""
        with translation.override("en"):
            return reason_text(self.code, self.params, "")[:300]


def reason_of(value: str | Reason) -> Reason:
    """A person's text (or a text worded by a caller) kept as written, under no code."""
    return value if isinstance(value, Reason) else Reason(TEXT, {"text": value})


def _number(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return formats.number_format(number.normalize() if number % 1 else int(number), force_grouping=True)


def _date(value: Any) -> str:
    try:
        return formats.date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)


def _choice(choices: Any, value: Any) -> str:
    return str(dict(choices.choices).get(value, value))


def _worded(params: dict[str, Any]) -> dict[str, str]:
    """Each parameter as the reader reads it."""
    worded = {
        key: str(value) if key in IDENTIFIERS else _number(value)
        for key, value in params.items()
        if isinstance(value, int | float | Decimal)
    }
    if "rule_kind" in params:
        worded["rule"] = _choice(RuleKind, params["rule_kind"])
    if "metric" in params:
        worded["metric"] = _choice(ObjectiveMetric, params["metric"]).lower()
    if "met" in params:
        worded["met"] = ", ".join(str(QUALITY_CRITERIA.get(code, code)) for code in params["met"])
    if "date" in params:
        worded["date"] = _date(params["date"])
    if "factor" in params:
        worded["factor"] = _number(params["factor"])
    return worded


def _clauses(params: dict[str, Any], worded: dict[str, str]) -> str:
    text = ""
    if "factor" in params:
        text += " " + gettext_lazy("(× %(factor)s)") % worded
    if "cut" in params and "asked" in params:
        text += " — " + ngettext(
            "cut by the challenge budget: %(cut)s of %(asked)s point not posted",
            "cut by the challenge budget: %(cut)s of %(asked)s points not posted",
            int(params["asked"]),
        ) % {"cut": _number(params["cut"]), "asked": _number(params["asked"])}
    if "taken" in params and "amount" in params:
        text += " " + ngettext(
            "(only %(taken)s of %(amount)s point was left to take back)",
            "(only %(taken)s of %(amount)s points were left to take back)",
            int(params["amount"]),
        ) % {"taken": _number(params["taken"]), "amount": _number(params["amount"])}
    return text


def reason_text(code: str, params: dict[str, Any], fallback: str) -> str:
    """The reason in the active language; ``fallback`` (the stored text) for an entry without a known code."""
    template = REASONS.get(code)
    params = params or {}
    worded = _worded(params)
    if template is None:
        base = str(params.get("text", fallback)) if code == TEXT else fallback
    else:
        base = str(template) % {**params, **worded}
    return base + _clauses(params, worded)


def reason_fields(value: str | Reason) -> dict[str, Any]:
    """The ledger entry's columns for a reason: its code, its parameters and its English wording."""
    reason = reason_of(value)
    params = {key: _json_value(item) for key, item in reason.params.items()}
    return {"reason": reason.english(), "reason_code": reason.code, "reason_params": params}


def _json_value(value: Any) -> Any:
    """A Decimal as a JSON number (an int when whole); other values as they are."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
