"""Customers' Cognito one-time codes. moto's Cognito has no EMAIL_OTP flow, so botocore's Stubber answers."""

from __future__ import annotations

import boto3
import jwt
from botocore.stub import ANY, Stubber

from shared.adapters.cognito import CognitoCodeChannel

POOL, CLIENT = "ap-southeast-1_pool", "client-id"


def _channel():
    client = boto3.client("cognito-idp", region_name="ap-southeast-1", aws_access_key_id="x", aws_secret_access_key="x")
    return Stubber(client), CognitoCodeChannel(client, POOL, CLIENT)


def test_a_first_time_customer_is_created_in_the_customer_group_then_sent_a_code():
    stub, channel = _channel()
    stub.add_response(
        "admin_create_user",
        {"User": {"Username": "c@example.com"}},
        {"UserPoolId": POOL, "Username": "c@example.com", "UserAttributes": ANY, "MessageAction": "SUPPRESS"},
    )
    stub.add_response(
        "admin_add_user_to_group", {}, {"UserPoolId": POOL, "Username": "c@example.com", "GroupName": "customer"}
    )
    stub.add_response(
        "initiate_auth",
        {"ChallengeName": "EMAIL_OTP", "Session": "s" * 40},
        {
            "ClientId": CLIENT,
            "AuthFlow": "USER_AUTH",
            "AuthParameters": {"USERNAME": "c@example.com", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
        },
    )
    with stub:
        assert channel.send("c@example.com") == "s" * 40
    stub.assert_no_pending_responses()


def test_an_existing_user_keeps_its_groups():
    stub, channel = _channel()
    stub.add_client_error("admin_create_user", service_error_code="UsernameExistsException")
    stub.add_response("initiate_auth", {"ChallengeName": "EMAIL_OTP", "Session": "t" * 40})
    with stub:
        assert channel.send("agent@demo.local") == "t" * 40
    stub.assert_no_pending_responses()  # no admin_add_user_to_group: staff stay staff


def test_the_right_code_gives_cognitos_id_token_and_a_wrong_one_nothing():
    stub, channel = _channel()
    id_token = jwt.encode({"email": "c@example.com", "cognito:groups": ["customer"]}, "k" * 32, algorithm="HS256")
    stub.add_response(
        "respond_to_auth_challenge",
        {"AuthenticationResult": {"IdToken": id_token}},
        {
            "ClientId": CLIENT,
            "ChallengeName": "EMAIL_OTP",
            "Session": "s" * 40,
            "ChallengeResponses": {"USERNAME": "c@example.com", "EMAIL_OTP_CODE": "123456"},
        },
    )
    stub.add_client_error("respond_to_auth_challenge", service_error_code="CodeMismatchException")
    with stub:
        token, principal = channel.check("c@example.com", "123456", "s" * 40)
        assert token == id_token and principal.role == "customer" and principal.email == "c@example.com"
        assert channel.check("c@example.com", "654321", "s" * 40) is None
