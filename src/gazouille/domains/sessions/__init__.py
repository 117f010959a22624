"""Browser sessions: one row per signed-in account per browser."""
