"""Cognito on AWS: customers' one-time email codes (the EMAIL_OTP first factor), and staff accounts in the group of
their role."""

from __future__ import annotations

import contextlib
from typing import Any

import jwt

from shared.domain.access import Principal, principal_from_claims

CUSTOMER_GROUP = "customer"


class CognitoCodeChannel:
    def __init__(self, client: Any, user_pool_id: str, client_id: str) -> None:
        self._cognito = client
        self._pool = user_pool_id
        self._client_id = client_id

    def send(self, email: str) -> str:
        self._ensure_customer(email)
        response = self._cognito.initiate_auth(
            ClientId=self._client_id,
            AuthFlow="USER_AUTH",
            AuthParameters={"USERNAME": email, "PREFERRED_CHALLENGE": "EMAIL_OTP"},
        )
        return str(response["Session"])

    def check(self, email: str, code: str, state: str) -> tuple[str, Principal] | None:
        try:
            response = self._cognito.respond_to_auth_challenge(
                ClientId=self._client_id,
                ChallengeName="EMAIL_OTP",
                Session=state,
                ChallengeResponses={"USERNAME": email, "EMAIL_OTP_CODE": code},
            )
        except (self._cognito.exceptions.CodeMismatchException, self._cognito.exceptions.NotAuthorizedException):
            return None
        token = str(response["AuthenticationResult"]["IdToken"])
        # Straight from Cognito over TLS; API Gateway's authorizer verifies it on every later request.
        claims = jwt.decode(token, options={"verify_signature": False})
        return token, principal_from_claims(claims)

    def _ensure_customer(self, email: str) -> None:
        """A first-time customer becomes a Cognito user in the customer group; staff accounts are left alone."""
        try:
            self._cognito.admin_create_user(
                UserPoolId=self._pool,
                Username=email,
                UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
                MessageAction="SUPPRESS",
            )
        except self._cognito.exceptions.UsernameExistsException:
            return
        self._cognito.admin_add_user_to_group(UserPoolId=self._pool, Username=email, GroupName=CUSTOMER_GROUP)


STAFF_GROUPS = ("admin", "supervisor", "agent", "custom")


class CognitoStaffAccounts:
    """Staff sign-in accounts: one Cognito user per agent, in exactly the group of their role (the claim the API
    reads). A new agent gets Cognito's invitation mail with a temporary password."""

    def __init__(self, client: Any, user_pool_id: str) -> None:
        self._cognito = client
        self._pool = user_pool_id

    def grant(self, email: str, name: str, role: str) -> None:
        # A custom role's holders share the `custom` group; which role they hold is the directory's to say.
        group = role if role in STAFF_GROUPS else "custom"
        # An existing account: a customer becoming staff, or the same change saved again.
        with contextlib.suppress(self._cognito.exceptions.UsernameExistsException):
            self._cognito.admin_create_user(
                UserPoolId=self._pool,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "name", "Value": name},
                ],
                DesiredDeliveryMediums=["EMAIL"],
            )
        for held in self._groups(email):
            if held in STAFF_GROUPS and held != group:
                self._cognito.admin_remove_user_from_group(UserPoolId=self._pool, Username=email, GroupName=held)
        self._cognito.admin_add_user_to_group(UserPoolId=self._pool, Username=email, GroupName=group)

    def revoke(self, email: str) -> None:
        """Staff groups off; the account stays (its owner may still follow their own tickets as a customer)."""
        try:
            groups = self._groups(email)
        except self._cognito.exceptions.UserNotFoundException:
            return
        for group in groups:
            if group in STAFF_GROUPS:
                self._cognito.admin_remove_user_from_group(UserPoolId=self._pool, Username=email, GroupName=group)

    def _groups(self, email: str) -> list[str]:
        response = self._cognito.admin_list_groups_for_user(UserPoolId=self._pool, Username=email)
        return [str(g["GroupName"]) for g in response.get("Groups", [])]


class CognitoIdTokens:
    """Verifies a Cognito ID token where API Gateway did not (routes anyone may call, which have no authorizer):
    the signature against the pool's published keys (fetched once, cached), issuer, audience, expiry, `token_use`."""

    def __init__(self, region: str, user_pool_id: str, client_id: str, jwks_url: str | None = None) -> None:
        self._issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self._client_id = client_id
        self._jwks_url = jwks_url or f"{self._issuer}/.well-known/jwks.json"
        self._keys: Any = None

    def __call__(self, token: str) -> dict[str, Any]:
        from shared.errors import Unauthenticated

        if self._keys is None:
            self._keys = jwt.PyJWKClient(self._jwks_url, cache_keys=True, lifespan=3600, timeout=5)
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=self._client_id, issuer=self._issuer)
        except jwt.PyJWTError as error:
            raise Unauthenticated("invalid token") from error
        if claims.get("token_use") != "id":
            raise Unauthenticated("an ID token is expected")
        return dict(claims)


class CognitoCustomerIdentities:
    """An erased customer's Cognito user (shared/services/personal_data.py): signed out everywhere (refresh tokens
    revoked), then deleted. Staff accounts are never touched here."""

    def __init__(self, client: Any, user_pool_id: str) -> None:
        self._cognito = client
        self._pool = user_pool_id

    def forget(self, email: str) -> bool:
        try:
            groups = self._cognito.admin_list_groups_for_user(UserPoolId=self._pool, Username=email)["Groups"]
        except self._cognito.exceptions.UserNotFoundException:
            return False
        if {g["GroupName"] for g in groups} & set(STAFF_GROUPS):
            return False
        self._cognito.admin_user_global_sign_out(UserPoolId=self._pool, Username=email)
        self._cognito.admin_delete_user(UserPoolId=self._pool, Username=email)
        return True
