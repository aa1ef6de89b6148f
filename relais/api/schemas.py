"""Schemas shared by every API endpoint: the error bodies."""

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """Request body or parameters that do not match the schema (django-ninja's 422)."""

    detail: list[dict[str, Any]]
