"""Read models: SQLAlchemy tables kept from the event log, the queries over them and the
hash chain that makes the log tamper-evident. Four subpackages, each importing only those
before it: `store` <- `queries` <- `audit` <- `readmodel` (see each package's docstring)."""
