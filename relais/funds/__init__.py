"""Co-op advertising / market development funds: budgets, allocations, requests, claims and an append-only fund ledger."""
