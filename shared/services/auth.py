"""Who is calling: Cognito's verified claims on AWS, the product's own signed tokens in local mode.

Both paths end in the same `Principal`; no other code looks at tokens.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from shared.clock import Clock
from shared.domain.access import BUILTIN_ROLES, CUSTOM_GROUP, CUSTOMER, Principal, principal_from_claims
from shared.errors import Unauthenticated
from shared.services.ports import DirectoryReader, RoleReader

_ISSUER = "helpdesk-local"


class Authenticator:
    def __init__(
        self,
        mode: str,
        directory: DirectoryReader,
        clock: Clock,
        secret: str | None = None,
        ttl: timedelta = timedelta(hours=12),
        verify_id_token: Callable[[str], dict[str, Any]] | None = None,
        roles: RoleReader | None = None,
    ) -> None:
        self._roles = roles
        self._verify_id_token = verify_id_token
        self._mode = mode
        self._directory = directory
        self._clock = clock
        self._secret = secret
        self._ttl = ttl

    def optional(self, claims: dict[str, Any] | None, authorization: str | None) -> Principal | None:
        """The caller of a route that anyone may call, if they sent a token: None for no token, 401 for a bad one.
        On AWS such a route has no authorizer, so the Cognito ID token is verified here (`verify_id_token`)."""
        if self._mode == "cognito":
            if claims:
                return self._custom(principal_from_claims(claims))
            if not authorization or not authorization.lower().startswith("bearer "):
                return None
            if self._verify_id_token is None:
                raise Unauthenticated("tokens are not accepted here")
            return self._custom(principal_from_claims(self._verify_id_token(authorization[7:].strip())))
        if not authorization:
            return None
        return self._custom(self._from_local_token(authorization))

    def principal(self, claims: dict[str, Any] | None, authorization: str | None) -> Principal:
        if self._mode == "cognito":
            if not claims:
                raise Unauthenticated("sign in first")
            return self._custom(principal_from_claims(claims))
        return self._custom(self._from_local_token(authorization))

    def _custom(self, principal: Principal) -> Principal:
        """A custom role's holder gets that role's permissions as saved now (an edit applies at the next request);
        built-in roles need no read."""
        if principal.role in BUILTIN_ROLES:
            return principal
        role_id = principal.role
        teams = principal.teams
        if role_id == CUSTOM_GROUP:  # Cognito says "custom": the directory says which
            agent = self._directory.get_agent(principal.email)
            role_id, teams = (agent.role, tuple(agent.teams)) if agent else (CUSTOMER, ())
        role = self._roles.get_role(role_id) if self._roles is not None else None
        if role is None:  # removed meanwhile, or not a role: the least set
            return Principal.of(principal.email, principal.name, CUSTOMER)
        return Principal.of(principal.email, principal.name, role.id, teams, role.permissions)

    # -- local mode --------------------------------------------------------------------------------
    def sign_in_local(self, email: str) -> tuple[str, Principal]:
        """Local mode's sign-in: seeded staff get their role, any other address is a customer."""
        if self._mode != "local" or not self._secret:
            raise Unauthenticated("local sign-in is not available")
        email = email.strip().lower()
        agent = self._directory.get_agent(email)
        if agent is not None:
            principal = self._custom(Principal.of(email, agent.name, agent.role, tuple(agent.teams)))
        else:
            principal = Principal.of(email, email.split("@", 1)[0], CUSTOMER)
        now = self._clock.now()
        claims = {
            "iss": _ISSUER,
            "sub": principal.email,
            "email": principal.email,
            "name": principal.name,
            "role": principal.role,
            "teams": list(principal.teams),
            "iat": int(now.timestamp()),
            "exp": int((now + self._ttl).timestamp()),
        }
        import jwt  # local mode only: on AWS the Cognito authorizer verified the token (PyJWT costs ~100 ms to load)

        return jwt.encode(claims, self._secret, algorithm="HS256"), principal

    def _from_local_token(self, authorization: str | None) -> Principal:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise Unauthenticated("missing bearer token")
        token = authorization[7:].strip()
        import jwt

        try:
            # Expiry is checked against the product's clock (which local mode can move), not the wall clock.
            claims = jwt.decode(
                token,
                self._secret or "",
                algorithms=["HS256"],
                issuer=_ISSUER,
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "require": ["exp", "sub", "iss"],
                },
            )
        except jwt.PyJWTError as error:
            raise Unauthenticated("invalid token") from error
        if claims["exp"] <= self._clock.now().timestamp():
            raise Unauthenticated("token expired")
        role = claims.get("role", CUSTOMER)
        teams = tuple(t for t in claims.get("teams", []) if isinstance(t, str))
        return Principal.of(str(claims["sub"]), str(claims.get("name", "")), str(role), teams)
