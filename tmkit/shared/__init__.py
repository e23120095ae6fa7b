"""A translation memory shared by a team in PostgreSQL (psycopg 3, the `postgres` extra)."""

from __future__ import annotations

from tmkit.shared.urls import is_database_url, redacted

__all__ = ["is_database_url", "redacted"]
