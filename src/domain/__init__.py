"""The Begroting domain: aggregates, events, value objects and rules.

Imports no persistence, web or schema library; only the eventsourcing domain base classes.
"""
