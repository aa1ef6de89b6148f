"""The training API (key auth): the modules assigned to my company and the completions of its users.
A key belongs to a partner company: it reads that company's training only."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema

from relais.api.auth import api_key_auth, request_partner
from relais.api.schemas import ErrorOut
from relais.training import selectors

router = Router(tags=["training"], auth=api_key_auth)


class TrainingOut(Schema):
    id: int
    title: str
    summary: str
    language: str
    product_family: str
    points: int
    pass_mark: int
    due_on: date | None


class CompletionOut(Schema):
    module_id: int
    module: str
    user: str
    score: int
    completed_at: datetime
    last_passed_at: datetime


@router.get("/trainings", response={200: list[TrainingOut], 401: ErrorOut})
def my_trainings(request: HttpRequest) -> list[TrainingOut]:
    """The published modules assigned to my company (to any of its roles), with their due dates."""
    partner = request_partner(request)
    due = selectors.assigned_modules(partner=partner, role=None)
    modules = selectors.module_list(brand=partner.brand).filter(pk__in=due).order_by("title", "id")
    return [
        TrainingOut(
            id=m.pk,
            title=m.title,
            summary=m.summary,
            language=m.language,
            product_family=m.product_family,
            points=m.points,
            pass_mark=m.pass_mark,
            due_on=due[m.pk],
        )
        for m in modules
    ]


@router.get("/trainings/completions", response={200: list[CompletionOut], 401: ErrorOut})
def my_completions(request: HttpRequest) -> list[CompletionOut]:
    """The completions of my company's users: module, user, best score, first and last pass."""
    partner = request_partner(request)
    return [
        CompletionOut(
            module_id=c.module_id,
            module=c.module.title,
            user=c.user.email,
            score=c.score,
            completed_at=c.completed_at,
            last_passed_at=c.last_passed_at,
        )
        for c in selectors.partner_completions(partner=partner)
    ]
