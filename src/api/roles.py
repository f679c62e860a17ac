"""The roles a token holds (ADR 0006), apart from the token store: the command line's parser
names them for `token create --role` without importing SQLAlchemy (ADR 0023)."""

from __future__ import annotations

from enum import Enum


class Role(Enum):
    GRIFFIE = "griffie"  # council decisions and mandates
    FINANCE = "finance"  # budget, taakstellingen, realisations, reserves, reports, college
    AUDITOR = "auditor"  # reads everything, writes nothing
    ADMIN = "admin"  # tokens only
