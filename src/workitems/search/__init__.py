"""Full-text search with filters, one interface over SQLite FTS5 and PostgreSQL tsvector."""
