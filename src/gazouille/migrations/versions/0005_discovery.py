"""Schema changes for discovery (hashtags, search, trends, suggestions).

- ``account_search``: accounts' folded names for account search;
- ``suggestion_dismissals``: follow suggestions a user dismissed;
- full-text search over ``status_search.terms`` (see docs/search.md): on SQLite an FTS5
  external-content table kept in step by triggers, on PostgreSQL a GIN expression index.
  Their names start with ``fts_`` (migrations/unmanaged.py), which hides them from the
  models/migrations comparison.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import gazouille.core.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE fts_status_search USING fts5("
    "terms, content='status_search', content_rowid='status_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER fts_status_search_insert AFTER INSERT ON status_search BEGIN "
    "INSERT INTO fts_status_search(rowid, terms) VALUES (new.status_id, new.terms); END",
    "CREATE TRIGGER fts_status_search_delete AFTER DELETE ON status_search BEGIN "
    "INSERT INTO fts_status_search(fts_status_search, rowid, terms) "
    "VALUES ('delete', old.status_id, old.terms); END",
    "CREATE TRIGGER fts_status_search_update AFTER UPDATE ON status_search BEGIN "
    "INSERT INTO fts_status_search(fts_status_search, rowid, terms) "
    "VALUES ('delete', old.status_id, old.terms); "
    "INSERT INTO fts_status_search(rowid, terms) VALUES (new.status_id, new.terms); END",
    # Rows written before this revision (none in practice, but keep the index whole).
    "INSERT INTO fts_status_search(fts_status_search) VALUES ('rebuild')",
]
SQLITE_FTS_DROP = [
    "DROP TRIGGER IF EXISTS fts_status_search_update",
    "DROP TRIGGER IF EXISTS fts_status_search_delete",
    "DROP TRIGGER IF EXISTS fts_status_search_insert",
    "DROP TABLE IF EXISTS fts_status_search",
]
POSTGRES_FTS = [
    "CREATE INDEX fts_status_search_terms ON status_search "
    "USING gin (to_tsvector('simple'::regconfig, terms))",
]
POSTGRES_FTS_DROP = ["DROP INDEX IF EXISTS fts_status_search_terms"]


def upgrade() -> None:
    op.create_table(
        "account_search",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("indexed_at", gazouille.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_search_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_search")),
    )
    op.create_table(
        "suggestion_dismissals",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("target_account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", gazouille.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_suggestion_dismissals_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_account_id"],
            ["accounts.id"],
            name=op.f("fk_suggestion_dismissals_target_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_dismissals")),
        sa.UniqueConstraint(
            "account_id",
            "target_account_id",
            name=op.f("uq_suggestion_dismissals_account_id_target_account_id"),
        ),
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRES_FTS:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS_DROP if dialect == "sqlite" else POSTGRES_FTS_DROP:
        op.execute(statement)
    op.drop_table("suggestion_dismissals")
    op.drop_table("account_search")
