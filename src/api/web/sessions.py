"""Sign-in sessions of the web workspace (ADR 0022).

Signing in with a token starts a session: the browser keeps a random session id in an
HttpOnly cookie, never the token; the database keeps only the id's SHA-256, so a read of the
table cannot resume anyone's session. A session lasts `LIFETIME` at most, ends at sign-out,
and ends with its token: a revoked token's sessions no longer find an identity. Each
session has its own CSRF secret, which every form that posts carries back.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update

from api.auth import Identity, Role, TokenStore, digest, new_secret
from projections.store.schema import api_tokens, web_sessions

LIFETIME = timedelta(hours=8)  # a working day; then sign in again


@dataclass(frozen=True)
class Session:
    identity: Identity
    csrf: str
    expires_at: datetime


class SessionStore:
    def __init__(self, engine: Engine, tokens: TokenStore, clock: Callable[[], datetime]):
        self.engine = engine
        self.tokens = tokens
        self.clock = clock

    def start(self, token: str) -> tuple[str, Session] | None:
        """A new session for the holder of `token`: its id (for the cookie) and the session;
        None for an unknown or revoked token."""
        who = self.tokens.authenticate(token)
        if who is None:
            return None
        session_id = new_secret(self.tokens.ledger)  # names its ledger (ADR 0032)
        now = self.clock()
        session = Session(who, secrets.token_urlsafe(32), now + LIFETIME)
        with self.engine.begin() as conn:
            # Expired sessions go as new ones start: the table holds the living ones.
            conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
            conn.execute(
                insert(web_sessions).values(
                    id_hash=digest(session_id),
                    token_id=who.token_id,
                    csrf=session.csrf,
                    created_at=now,
                    expires_at=session.expires_at,
                )
            )
        return session_id, session

    def find(self, session_id: str) -> Session | None:
        """The living session with this id: not ended, not expired, its token not revoked."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    api_tokens.c.id,
                    api_tokens.c.name,
                    api_tokens.c.role,
                    web_sessions.c.csrf,
                    web_sessions.c.expires_at,
                )
                .join(api_tokens, api_tokens.c.id == web_sessions.c.token_id)
                .where(
                    web_sessions.c.id_hash == digest(session_id),
                    web_sessions.c.ended_at.is_(None),
                    web_sessions.c.expires_at > self.clock(),
                    api_tokens.c.revoked_at.is_(None),
                )
            ).first()
        if row is None:
            return None
        return Session(Identity(row.id, row.name, Role(row.role)), row.csrf, row.expires_at)

    def end(self, session_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(web_sessions)
                .where(web_sessions.c.id_hash == digest(session_id))
                .values(ended_at=self.clock())
            )
