"""The Begroting domain: aggregates, events, value objects and rules, and the application
(`domain.application`) that runs the use cases on them.

Imports no web, schema or database library (no FastAPI, pydantic, SQLAlchemy or driver).
It is built on the eventsourcing library: the aggregates on `eventsourcing.domain`, the
application on `eventsourcing.application`, and of `eventsourcing.persistence` only its
abstract interface, in two places: the transcoder the events' values are encoded with
(`transcodings.py`) and `IntegrityError`, which every recorder raises when another write
came first, translated into ConcurrentChangeError (`application/unit_of_work.py`). Which
recorder and database store the events is chosen outside, by the application's environment.
"""
