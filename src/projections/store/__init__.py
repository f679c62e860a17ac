"""Storage: the database and its tables, under everything else in `projections`.

`schema` (every table: the read model's, the chain's links, seals and verifications, the
API's tokens and idempotency keys), `database` (the URL, the engine, migrations, the event
store's table, snapshots and lock timeouts) and `writer` (rows straight to the driver).

Imports: the domain and `migrations` only; nothing else from `projections`.
Direction inside `projections`: store <- queries <- audit <- readmodel.
"""

# Declares its tables on `schema.metadata` when the package loads (ADR 0029).
from projections.store import rechtmatigheid_tables as rechtmatigheid_tables
