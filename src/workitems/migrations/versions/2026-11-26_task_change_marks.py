"""Task change marks the database assigns, so the duplicate index catches up by them.

The per-process duplicate index used to re-read tasks whose ``updated_at`` (the writer's
wall clock) was within 60 s of the newest it had seen: a writer whose clock was behind, or a
transaction that committed late, stayed hidden until the 30-minute rebuild.

PostgreSQL: ``tasks.change_xid`` (xid8) holds the id of the transaction that last inserted
the task or changed its title or status, set by a trigger. Transaction ids are handed out
at first write, not at commit, so a reader pairs them with its snapshot's xmin (see
``task/repository.py``). Existing rows keep NULL: they are long committed, and the index's
full build reads every open task whatever its mark. No table rewrite.

SQLite: ``tasks.search_seq`` (from ``search_sequence``, the ``search_recency_order``
migration) is already renewed on every insert and on updates of ``updated_at``, title,
description and closure note; a status change now renews it too, so the mark no longer
relies on every writer also setting ``updated_at``. One writer at a time commits, so the
sequence is in commit order.

Revision ID: 5d3e7a9c2b14
Revises: 8b2f4d6a1c35
Create Date: 2026-11-26 15:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5d3e7a9c2b14"
down_revision: str | None = "8b2f4d6a1c35"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRES_UP = [
    "ALTER TABLE tasks ADD COLUMN change_xid xid8",
    """CREATE FUNCTION tasks_mark_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.change_xid := pg_current_xact_id();
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER tasks_mark_change
        BEFORE INSERT OR UPDATE OF title, status ON tasks
        FOR EACH ROW EXECUTE FUNCTION tasks_mark_change()""",
    "CREATE INDEX ix_tasks_change_xid ON tasks (change_xid)",
]

POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS tasks_mark_change ON tasks",
    "DROP FUNCTION IF EXISTS tasks_mark_change()",
    "DROP INDEX IF EXISTS ix_tasks_change_xid",
    "ALTER TABLE tasks DROP COLUMN IF EXISTS change_xid",
]

# The search_recency_order migration's update trigger, with or without ``status``.
_BODY = """new.description || char(10) || coalesce(new.closure_note, '') || char(10) ||
    coalesce((SELECT group_concat(c.body, char(10)) FROM task_comments c
              WHERE c.task_id = new.id), '')"""
_NEXT = "(SELECT value FROM search_sequence)"
_SQLITE_UPDATE_TRIGGER = f"""CREATE TRIGGER tasks_fts_update
        AFTER UPDATE OF {{columns}} ON tasks BEGIN
        UPDATE search_sequence SET value = value + 1;
        DELETE FROM tasks_fts WHERE rowid = old.search_seq;
        INSERT INTO tasks_fts (rowid, task_id, title, body)
        VALUES ({_NEXT}, new.id, new.title, {_BODY});
        UPDATE tasks SET search_seq = {_NEXT} WHERE id = new.id;
    END"""

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS tasks_fts_update",
    _SQLITE_UPDATE_TRIGGER.format(columns="updated_at, title, status, description, closure_note"),
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS tasks_fts_update",
    _SQLITE_UPDATE_TRIGGER.format(columns="updated_at, title, description, closure_note"),
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_UP if dialect == "postgresql" else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_DOWN if dialect == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
