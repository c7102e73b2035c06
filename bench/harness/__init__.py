"""What every benchmark needs and none of them measures.

``database`` makes a fresh database (SQLite in a work directory, or a new database on a
PostgreSQL server) and drops it afterwards; ``seed`` creates a team, a token and tasks;
``server`` runs the service (or any ASGI app) as a subprocess and reads its CPU time and
memory from ``/proc``; ``options`` holds the flags every script shares; ``report`` formats
tables and writes the JSON figures. A benchmark script keeps only its own measurements and
imports nothing from another script.
"""
