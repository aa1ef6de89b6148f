"""Reads of the privacy app: whose personal data a user may reach."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from relais.accounts.models import Role, User
from relais.core.models import Brand


def privacy_subject_get(*, by: User, user_id: int) -> User:
    """A person ``by`` may export or erase: any user for the operator, a user of their brand for the brand
    admin; anyone else, or another brand's user, is a 404."""
    users = User.objects.select_related("brand", "partner")
    if by.is_operator:
        subject = users.filter(pk=user_id).first()
    elif by.role == Role.BRAND_ADMIN and by.brand_id is not None:
        subject = users.filter(pk=user_id, brand_id=by.brand_id).first()
    else:
        subject = None
    if subject is None:
        raise Http404
    return subject


def privacy_user_search(*, brand: Brand, query: str, limit: int = 50) -> QuerySet[User]:
    """The brand's users whose e-mail or name holds ``query`` (all of them, first ``limit``, when empty)."""
    users = User.objects.filter(brand=brand).select_related("partner").order_by("email")
    query = query.strip()
    if query:
        users = users.filter(email__icontains=query) | users.filter(last_name__icontains=query)
    return users[:limit]


def privacy_user_search_all(*, query: str, limit: int = 50) -> QuerySet[User]:
    """The operator's search: users of every brand (and operators) whose e-mail or name holds ``query``, with
    their brand and partner; nobody while the query is empty."""
    query = query.strip()
    if not query:
        return User.objects.none()
    users = User.objects.select_related("brand", "partner").order_by("email")
    return (users.filter(email__icontains=query) | users.filter(last_name__icontains=query))[:limit]
