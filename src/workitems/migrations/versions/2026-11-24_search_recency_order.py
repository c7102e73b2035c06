"""SQLite search in recency order: the FTS rowid becomes an activity sequence.

Searches list the most recently updated matches first. With the FTS rowid equal to the task
id, SQLite had to collect every match of a common word and sort them (over 100 ms at a
million tasks). Now each change to a task gives its index row a new, higher rowid (from
``search_sequence``), so FTS5 can hand matches over newest first and stop after one page.
``tasks.search_seq`` remembers the row's current rowid; ``task_id`` maps back. PostgreSQL
is unchanged: its planner walks ``(updated_at, id)`` and checks the tsvector per row.

Revision ID: 9a4d1e6b7c21
Revises: 0cc0beeb6edf
Create Date: 2026-11-24 20:40:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9a4d1e6b7c21"
down_revision: str | None = "0cc0beeb6edf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BODY = """{t}.description || char(10) || coalesce({t}.closure_note, '') || char(10) ||
    coalesce((SELECT group_concat(c.body, char(10)) FROM task_comments c
              WHERE c.task_id = {t}.id), '')"""

_OLD_TRIGGERS = (
    "task_comments_fts_delete",
    "task_comments_fts_update",
    "task_comments_fts_insert",
    "tasks_fts_delete",
    "tasks_fts_update",
    "tasks_fts_insert",
)

_NEXT = "(SELECT value FROM search_sequence)"

UP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _OLD_TRIGGERS),
    "DROP TABLE IF EXISTS tasks_fts",
    "CREATE TABLE search_sequence (value INTEGER NOT NULL)",
    "ALTER TABLE tasks ADD COLUMN search_seq INTEGER",
    "CREATE VIRTUAL TABLE tasks_fts USING fts5("
    "task_id UNINDEXED, title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    """UPDATE tasks SET search_seq = ranked.seq
        FROM (SELECT id, row_number() OVER (ORDER BY updated_at, id) AS seq FROM tasks) AS ranked
        WHERE tasks.id = ranked.id""",
    f"""INSERT INTO tasks_fts (rowid, task_id, title, body)
        SELECT t.search_seq, t.id, t.title, {_BODY.format(t="t")} FROM tasks t""",
    "INSERT INTO search_sequence (value) SELECT coalesce(max(search_seq), 0) FROM tasks",
    f"""CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
        UPDATE search_sequence SET value = value + 1;
        INSERT INTO tasks_fts (rowid, task_id, title, body)
        VALUES ({_NEXT}, new.id, new.title, {_BODY.format(t="new")});
        UPDATE tasks SET search_seq = {_NEXT} WHERE id = new.id;
    END""",
    f"""CREATE TRIGGER tasks_fts_update
        AFTER UPDATE OF updated_at, title, description, closure_note ON tasks BEGIN
        UPDATE search_sequence SET value = value + 1;
        DELETE FROM tasks_fts WHERE rowid = old.search_seq;
        INSERT INTO tasks_fts (rowid, task_id, title, body)
        VALUES ({_NEXT}, new.id, new.title, {_BODY.format(t="new")});
        UPDATE tasks SET search_seq = {_NEXT} WHERE id = new.id;
    END""",
    """CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
        DELETE FROM tasks_fts WHERE rowid = old.search_seq;
    END""",
    *(
        f"""CREATE TRIGGER task_comments_fts_{event.split()[0].lower()} AFTER {event}
            ON task_comments BEGIN
            UPDATE tasks_fts SET body = (
                SELECT {_BODY.format(t="t")} FROM tasks t WHERE t.id = {row}.task_id)
            WHERE rowid = (SELECT search_seq FROM tasks WHERE id = {row}.task_id);
        END"""
        for event, row in (("INSERT", "new"), ("UPDATE OF body", "new"), ("DELETE", "old"))
    ),
]

# Back to the first layout (rowid = task id), as the search_index migration made it.
DOWN = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _OLD_TRIGGERS),
    "DROP TABLE IF EXISTS tasks_fts",
    "DROP TABLE IF EXISTS search_sequence",
    "ALTER TABLE tasks DROP COLUMN search_seq",
    "CREATE VIRTUAL TABLE tasks_fts USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
        INSERT INTO tasks_fts (rowid, title, body)
        VALUES (new.id, new.title, {_BODY.format(t="new")});
    END""",
    f"""CREATE TRIGGER tasks_fts_update AFTER UPDATE OF title, description, closure_note
        ON tasks BEGIN
        UPDATE tasks_fts SET title = new.title, body = {_BODY.format(t="new")}
        WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
        DELETE FROM tasks_fts WHERE rowid = old.id;
    END""",
    *(
        f"""CREATE TRIGGER task_comments_fts_{event.split()[0].lower()} AFTER {event}
            ON task_comments BEGIN
            UPDATE tasks_fts SET body = (
                SELECT {_BODY.format(t="t")} FROM tasks t WHERE t.id = {row}.task_id)
            WHERE rowid = {row}.task_id;
        END"""
        for event, row in (("INSERT", "new"), ("UPDATE OF body", "new"), ("DELETE", "old"))
    ),
    f"""INSERT INTO tasks_fts (rowid, title, body)
        SELECT t.id, t.title, {_BODY.format(t="t")} FROM tasks t""",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in DOWN:
            op.execute(statement)
