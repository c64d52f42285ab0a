"""Persistence: models, engine and sessions, migrations, and the service functions that
own their transactions (uploads, documents, keys, audit)."""
