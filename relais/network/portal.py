"""Sections other apps add to the partner portal home (sell-out, points, challenges...).

The network sits below the domains whose sections the home shows, so it never imports them: an entry point
registers each section once, at import, from module level (``relais/network/views.py`` registers the points
and insights sections)::

    from relais.network.portal import portal_section_register
    portal_section_register(
        key="sellout", template="sellout/partials/portal_section.html", order=10, context=my_context
    )

The template is included inside the portal home with ``partner``, ``user`` and whatever ``context(request,
partner)`` returns. Keep each section to one ``<section>`` that reads well on a 390px wide phone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from relais.network.models import PartnerCompany

SectionContext = Callable[[HttpRequest, PartnerCompany], dict[str, Any]]


@dataclass(frozen=True)
class PortalSection:
    key: str
    template: str
    order: int = 100
    context: SectionContext | None = None


_SECTIONS: dict[str, PortalSection] = {}


def portal_section_register(
    *, key: str, template: str, order: int = 100, context: SectionContext | None = None
) -> None:
    """Add (or replace, by key) a section of the partner portal home."""
    _SECTIONS[key] = PortalSection(key=key, template=template, order=order, context=context)


def portal_sections(*, request: HttpRequest, partner: PartnerCompany) -> list[dict[str, Any]]:
    """The registered sections in order, each with its own template context."""
    rendered: list[dict[str, Any]] = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        extra = section.context(request, partner) if section.context else {}
        rendered.append({"key": section.key, "template": section.template, "context": extra})
    return rendered
