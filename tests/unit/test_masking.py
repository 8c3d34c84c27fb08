"""Masking (脱敏) and log redaction: pure functions."""

from __future__ import annotations

import pytest

from shared.domain.masking import mask_email, mask_phone, mask_text, mask_value, redact


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("wangfang@example.com", "wa***@example.com"),
        ("a@example.com", "a***@example.com"),
        ("wa***@example.com", "wa***@example.com"),  # masking twice changes nothing
        ("张三@例子.中国", "张三***@例子.中国"),
    ],
)
def test_addresses_keep_two_characters_and_the_domain(address: str, masked: str) -> None:
    assert mask_email(address) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("021-5555-1234", "021****1234"),
        ("12345", "***45"),
    ],
)
def test_phone_numbers_keep_three_and_four_digits(number: str, masked: str) -> None:
    assert mask_phone(number) == masked


def test_text_is_masked_wherever_a_contact_sits_but_staff_addresses_stay() -> None:
    text = "客户 wangfang@example.com 电话 13812345678，座机 021-5555-1234；已转 lead@demo.local 处理"
    masked = mask_text(text, keep=lambda a: a.endswith("@demo.local"))
    assert masked == "客户 wa***@example.com 电话 138****5678，座机 021****1234；已转 lead@demo.local 处理"


def test_numbers_that_are_not_phones_stay() -> None:
    text = "工单 GD20261123-0001 于 2026-11-23T10:00:00+08:00 创建，版本 12，金额 1380.50"
    assert mask_text(text) == text


def test_a_json_answer_is_masked_in_every_string_and_never_in_keys() -> None:
    answer = {"requester": {"email": "alice@example.com", "name": "Alice"}, "items": [{"phone": "13912345678"}]}
    assert mask_value(answer) == {
        "requester": {"email": "al***@example.com", "name": "Alice"},
        "items": [{"phone": "139****5678"}],
    }


@pytest.mark.parametrize(
    "line",
    [
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ",
        "GET /api/surveys/Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA",
        '{"body": "我的电话是 13812345678，请回电", "ticket": "01J"}',
        "code=482913 for alice@example.com",
        "token=abcdefghijklmnopqrstuvwxyz0123456789",
    ],
)
def test_log_lines_lose_tokens_bodies_and_contacts(line: str) -> None:
    redacted = redact(line)
    for secret in ("eyJ", "Zm9vYmFy", "13812345678", "请回电", "482913", "alice@example.com", "abcdefghijklmnop"):
        assert secret not in redacted
