"""The JSON API (django-ninja), an entry point: each domain's router is added here; OpenAPI at /api/v1/openapi.json.

Errors are JSON ``{"detail": "..."}``: 400 for a request the service refuses (``ApplicationError``), 401 for a
missing, unknown or revoked key, 404 for what the key's partner cannot see, 409 for an idempotency conflict,
422 for a body that does not match the schema.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from relais.api.apis import router as brand_router
from relais.api.idempotency import IdempotencyConflict
from relais.comms.apis import router as comms_router
from relais.core.errors import ApplicationError
from relais.funds.apis import router as funds_router
from relais.incentives.apis import router as incentives_router
from relais.merchandising.apis import router as merchandising_router
from relais.programs.apis import router as programs_router
from relais.promotions.apis import router as promotions_router
from relais.sellout.apis import router as sellout_router
from relais.training.apis import router as training_router

api = NinjaAPI(
    title="Relais API",
    version="1.0.0",
    urls_namespace="api",
    docs_url="/docs",
    description="Sell-out declarations, points and rewards for partners of a brand. Authenticate with an API key "
    "(header `Authorization: Bearer <key>`), created by a partner admin in the portal.",
)


@api.exception_handler(IdempotencyConflict)
def _idempotency_conflict(request: HttpRequest, exc: IdempotencyConflict) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, **exc.extra}, status=400)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": _("Missing, unknown or revoked API key. Send the header Authorization: Bearer <key>.")},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


api.add_router("", sellout_router)
api.add_router("", incentives_router)
api.add_router("", comms_router)
api.add_router("", programs_router)
api.add_router("", training_router)
api.add_router("", funds_router)
api.add_router("", promotions_router)
api.add_router("", merchandising_router)
api.add_router("/brand", brand_router)  # brand keys only (relais/api/apis.py)
