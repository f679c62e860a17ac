"""Read models: SQLAlchemy tables kept from the event log, and the queries over them."""
