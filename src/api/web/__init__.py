"""The web workspace (ADR 0022): server-rendered pages in Dutch over the same queries, roles
and basis rules as the API. Read-only: writes stay in the API and the command line."""
