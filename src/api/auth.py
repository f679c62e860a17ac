"""Bearer tokens and roles (ADR 0006).

A token is 32 random bytes shown once at creation; only its SHA-256 is stored. With that
much entropy a fast hash is enough: no dictionary or brute force reaches it, and lookup is
one indexed equality. The token's name is the actor on every event its holder records.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Engine, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from typing_extensions import TypedDict

from api.roles import Role as Role
from domain.errors import DuplicateError, InvalidInputError, NotFoundError
from domain.values import check_text
from projections.store.schema import api_tokens

TOKEN_PREFIX = "bgt_"  # noqa: S105 (a prefix that marks a secret, not a secret)
# A secret of a municipality's ledger names it: bgt_GM0268_... for a token, GM0268_... for a
# web session (ADR 0032). The service finds the ledger before it looks the secret up.
_LEDGER_OF_SECRET = re.compile(r"^(?:bgt_)?(GM[0-9]{4})_")


def ledger_of_secret(secret: str) -> str | None:
    """The ledger a token's or session's secret names; None for the default ledger's."""
    found = _LEDGER_OF_SECRET.match(secret)
    return None if found is None else found.group(1)


def new_secret(ledger: str | None, prefix: str = "") -> str:
    """A random secret of `ledger` (None: the default ledger, never seeming to name one)."""
    while True:
        secret = prefix + (f"{ledger}_" if ledger else "") + secrets.token_urlsafe(32)
        if ledger_of_secret(secret) == ledger:
            return secret


READERS = (Role.GRIFFIE, Role.FINANCE, Role.AUDITOR)  # in this order in every 403

# Tokens the demo creates, documented in the README: public, so only ever on loopback.
DEMO_TOKENS = {
    Role.GRIFFIE: "demo-griffie",
    Role.FINANCE: "demo-finance",
    Role.AUDITOR: "demo-auditor",
    Role.ADMIN: "demo-admin",
}


@dataclass(frozen=True)
class Identity:
    token_id: str
    name: str
    role: Role


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Built once: a statement built per request costs more than its indexed look-up.
_ACTIVE_TOKEN = select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.role).where(
    api_tokens.c.token_hash == bindparam("token_hash"), api_tokens.c.revoked_at.is_(None)
)


class TokenStore:
    def __init__(
        self, engine: Engine, clock: Callable[[], datetime], ledger: str | None = None
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.ledger = ledger  # the ledger's code; None for the default ledger (ADR 0032)

    def create(
        self, *, name: str, role: Role, created_by: str, secret: str | None = None
    ) -> tuple[TokenRecord, str]:
        """A new token; returns its public record and the secret, which is not kept."""
        check_token_name(name, demo=created_by == "demo")
        secret = secret or new_secret(self.ledger, TOKEN_PREFIX)
        token_id = uuid4().hex
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(api_tokens).values(
                        id=token_id,
                        name=name,
                        role=role.value,
                        token_hash=digest(secret),
                        created_at=self.clock(),
                        created_by=created_by,
                    )
                )
        except IntegrityError:
            raise DuplicateError(
                f"a token named {name!r} exists or existed; names are never reused",
                field="name",
            ) from None
        return self.get(token_id), secret

    def authenticate(self, secret: str) -> Identity | None:
        # Read on every request, so a revocation holds at once in every worker (ADR 0036).
        with self.engine.connect() as conn:
            row = conn.execute(_ACTIVE_TOKEN, {"token_hash": digest(secret)}).first()
        return None if row is None else Identity(row.id, row.name, Role(row.role))

    def get(self, token_id: str) -> TokenRecord:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(api_tokens).where(api_tokens.c.id == _stored_id(token_id))
            ).first()
        if row is None:
            raise NotFoundError(f"token {token_id!r} does not exist", field="token_id")
        return _public(row._mapping)

    def list(self) -> list[TokenRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_tokens).order_by(api_tokens.c.created_at))
            return [_public(row._mapping) for row in rows]

    def revoke(self, token_id: str, *, by: str) -> TokenRecord:
        token_id = _stored_id(token_id)
        with self.engine.begin() as conn:
            conn.execute(
                update(api_tokens)
                .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=self.clock(), revoked_by=by)
            )
        return self.get(token_id)

    def active(self) -> int:
        with self.engine.connect() as conn:
            count = conn.execute(
                select(func.count()).where(api_tokens.c.revoked_at.is_(None))
            ).scalar()
        return int(count or 0)

    def demo_tokens_active(self) -> bool:
        hashes = [digest(secret) for secret in DEMO_TOKENS.values()]
        with self.engine.connect() as conn:
            found = conn.execute(
                select(func.count()).where(
                    api_tokens.c.token_hash.in_(hashes), api_tokens.c.revoked_at.is_(None)
                )
            ).scalar()
        return bool(found)

    def ensure_demo_tokens(self) -> None:
        for role, secret in DEMO_TOKENS.items():
            if self.authenticate(secret) is not None:
                continue
            try:
                self.create(name=f"demo {role.value}", role=role, created_by="demo", secret=secret)
            except DuplicateError:
                continue  # revoked on purpose: the demo does not bring it back


# Actors the system records under itself: a token's holder may not pass for them.
RESERVED_ACTORS = ("import:", "cli:", "demo ")


def check_token_name(name: str, *, demo: bool = False) -> None:
    """The name is the actor on every event the token's holder records (ADR 0006)."""
    check_text(name, "name", max_length=100)
    if name != name.strip():
        raise InvalidInputError("a token's name has no surrounding spaces", field="name")
    reserved = RESERVED_ACTORS[:-1] if demo else RESERVED_ACTORS
    if name.startswith(reserved):
        raise InvalidInputError(
            f"a token's name may not begin with {' or '.join(map(repr, reserved))}: "
            "those actors are the system's own",
            field="name",
        )


class TokenRecord(TypedDict):
    """A token's public record: never its secret. `id` is a dashed UUID, as every id."""

    id: str
    name: str
    role: str
    created_at: str
    created_by: str
    revoked_at: str | None
    revoked_by: str | None


def _public(row: Any) -> TokenRecord:
    return {
        "id": str(UUID(row["id"])),
        "name": row["name"],
        "role": row["role"],
        "created_at": row["created_at"].isoformat(),
        "created_by": row["created_by"],
        "revoked_at": None if row["revoked_at"] is None else row["revoked_at"].isoformat(),
        "revoked_by": row["revoked_by"],
    }


def _stored_id(token_id: str) -> str:
    """Either spelling of an id (dashed, as answers show it, or 32 hex) as the table keeps it;
    anything else is left as it is, and is then not found."""
    try:
        return UUID(token_id).hex
    except ValueError:
        return token_id
