"""Full-text search index kept by triggers: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Triggers, not application code, keep the index: every writer (API, CLI, bulk loads, later
migrations) updates it in the same transaction as the row it changed. The document is the
title (weighted highest), description, closure note and every comment.

Revision ID: 3f1c9a7d2b40
Revises: 8de28ed918a7
Create Date: 2026-11-24 20:30:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3f1c9a7d2b40"
down_revision: str | None = "8de28ed918a7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_BODY = """{t}.description || char(10) || coalesce({t}.closure_note, '') || char(10) ||
    coalesce((SELECT group_concat(c.body, char(10)) FROM task_comments c
              WHERE c.task_id = {t}.id), '')"""

SQLITE_UP = [
    "CREATE VIRTUAL TABLE tasks_fts USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
        INSERT INTO tasks_fts (rowid, title, body)
        VALUES (new.id, new.title, {_SQLITE_BODY.format(t="new")});
    END""",
    f"""CREATE TRIGGER tasks_fts_update AFTER UPDATE OF title, description, closure_note
        ON tasks BEGIN
        UPDATE tasks_fts SET title = new.title, body = {_SQLITE_BODY.format(t="new")}
        WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
        DELETE FROM tasks_fts WHERE rowid = old.id;
    END""",
    *(
        f"""CREATE TRIGGER task_comments_fts_{event.split()[0].lower()} AFTER {event}
            ON task_comments BEGIN
            UPDATE tasks_fts SET body = (
                SELECT {_SQLITE_BODY.format(t="t")} FROM tasks t WHERE t.id = {row}.task_id)
            WHERE rowid = {row}.task_id;
        END"""
        for event, row in (("INSERT", "new"), ("UPDATE OF body", "new"), ("DELETE", "old"))
    ),
    f"""INSERT INTO tasks_fts (rowid, title, body)
        SELECT t.id, t.title, {_SQLITE_BODY.format(t="t")} FROM tasks t""",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS task_comments_fts_delete",
    "DROP TRIGGER IF EXISTS task_comments_fts_update",
    "DROP TRIGGER IF EXISTS task_comments_fts_insert",
    "DROP TRIGGER IF EXISTS tasks_fts_delete",
    "DROP TRIGGER IF EXISTS tasks_fts_update",
    "DROP TRIGGER IF EXISTS tasks_fts_insert",
    "DROP TABLE IF EXISTS tasks_fts",
]

POSTGRES_UP = [
    "ALTER TABLE tasks ADD COLUMN search_vector tsvector",
    """CREATE FUNCTION tasks_search_document(integer, text, text, text) RETURNS tsvector
        LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('english', coalesce($2, '')), 'A') ||
               setweight(to_tsvector('english',
                   coalesce($3, '') || ' ' || coalesce($4, '') || ' ' ||
                   coalesce((SELECT string_agg(c.body, ' ' ORDER BY c.id)
                             FROM task_comments c WHERE c.task_id = $1), '')), 'B')
    $$""",
    """CREATE FUNCTION tasks_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := tasks_search_document(
            NEW.id, NEW.title, NEW.description, NEW.closure_note);
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER tasks_search_refresh
        BEFORE INSERT OR UPDATE OF title, description, closure_note ON tasks
        FOR EACH ROW EXECUTE FUNCTION tasks_search_refresh()""",
    """CREATE FUNCTION task_comments_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        target integer;
    BEGIN
        IF TG_OP = 'DELETE' THEN target := OLD.task_id; ELSE target := NEW.task_id; END IF;
        UPDATE tasks
        SET search_vector = tasks_search_document(id, title, description, closure_note)
        WHERE id = target;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER task_comments_search_refresh
        AFTER INSERT OR UPDATE OF body OR DELETE ON task_comments
        FOR EACH ROW EXECUTE FUNCTION task_comments_search_refresh()""",
    """UPDATE tasks
        SET search_vector = tasks_search_document(id, title, description, closure_note)""",
    "CREATE INDEX ix_tasks_search_vector ON tasks USING gin (search_vector)",
]

POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS task_comments_search_refresh ON task_comments",
    "DROP FUNCTION IF EXISTS task_comments_search_refresh()",
    "DROP TRIGGER IF EXISTS tasks_search_refresh ON tasks",
    "DROP FUNCTION IF EXISTS tasks_search_refresh()",
    "DROP FUNCTION IF EXISTS tasks_search_document(integer, text, text, text)",
    "DROP INDEX IF EXISTS ix_tasks_search_vector",
    "ALTER TABLE tasks DROP COLUMN IF EXISTS search_vector",
]


def upgrade() -> None:
    statements = SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN
    for statement in statements:
        op.execute(statement)
