"""Errors a service raises for the user to read; views turn them into messages, APIs into 4xx."""

from __future__ import annotations


class ApplicationError(Exception):
    def __init__(self, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
