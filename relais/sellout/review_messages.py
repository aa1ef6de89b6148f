"""What the brand reads after a review or after applying a reconciliation to the points, in its language
(plural forms by ``ngettext``). Pure wording: counts in, a sentence out."""

from __future__ import annotations

from django.utils.translation import ngettext


def review_outcome_message(*, decided: int, skipped: int, approve: bool) -> str:
    """ "3 lines rejected." and, when some were already reviewed, that they were left as they were."""
    if approve:
        text = ngettext("%(n)s line approved.", "%(n)s lines approved.", decided) % {"n": decided}
    else:
        text = ngettext("%(n)s line rejected.", "%(n)s lines rejected.", decided) % {"n": decided}
    if skipped:
        text += " " + ngettext(
            "%(n)s line was already reviewed: left as it was.",
            "%(n)s lines were already reviewed: left as they were.",
            skipped,
        ) % {"n": skipped}
    return text


def reconciliation_applied_message(
    *, released: dict[str, int], held: dict[str, int], unknown: list[str]
) -> str:
    """How many partners reconcile (points released), do not (points held), or lack stock reports."""
    parts = [
        ngettext(
            "%(n)s partner reconciles: %(points)s points released.",
            "%(n)s partners reconcile: %(points)s points released.",
            len(released),
        )
        % {"n": len(released), "points": sum(released.values())},
        ngettext(
            "%(n)s partner does not: %(points)s points held until it does.",
            "%(n)s partners do not: %(points)s points held until they do.",
            len(held),
        )
        % {"n": len(held), "points": sum(held.values())},
    ]
    if unknown:
        parts.append(
            ngettext(
                "%(n)s partner without stock reports: its points stay as they are.",
                "%(n)s partners without stock reports: their points stay as they are.",
                len(unknown),
            )
            % {"n": len(unknown)}
        )
    return " ".join(parts)
