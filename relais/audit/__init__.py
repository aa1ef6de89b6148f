"""The append-only audit log of brand-admin actions and of exports of personal data."""
