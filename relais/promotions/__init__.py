"""Seasonal promotions: dated offers on products or families, their mechanics and eligible segments."""
