"""A brand's webhook endpoints and their signed deliveries, retried with backoff."""
