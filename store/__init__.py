"""orderflow.store — the shared state: SQLAlchemy 2 schema, Alembic migrations, repository functions.

``store.db``: ``make_engine(url)``, ``migrate(engine)``, ``session_factory(engine)``, ``open_store(url)``.
``store.repository``: functions taking a Session (the caller commits). SQLite by default,
PostgreSQL by URL (``postgresql+psycopg://...``).
"""
