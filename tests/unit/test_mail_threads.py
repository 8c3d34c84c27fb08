"""Which ticket a mail continues: reply-address token, subject number (requester/CC only), Message-IDs."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.domain.mail.parsing import ParsedMail, parse_mail
from shared.domain.mail.threads import (
    MAX_LOCAL_PART,
    ThreadMatch,
    ThreadRule,
    TicketParties,
    make_reply_address,
    make_reply_token,
    resolve_thread,
    ticket_id_from_recipients,
    ticket_id_from_token,
    ticket_numbers_in_subject,
)

CORPUS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
SECRET = "reply-token-secret-for-unit-tests-0123456789"
SUPPORT = "support@demo.local"
TICKET_A = "0f8e4c2a9b7d4e6f8a1b2c3d4e5f6a7b"  # uuid4().hex, as the ticket service makes ids
TICKET_B = "1a2b3c4d5e6f708192a3b4c5d6e7f809"
TICKET_C = "c0ffee00c0ffee00c0ffee00c0ffee00"
SES_ID = "<0100018f2b3c4d5e-6a7b8c9d-1e2f-3a4b-5c6d-7e8f9a0b1c2d-000000@email.amazonses.com>"


class Lookups:
    """In-memory stand-in for the ticket store's two reads; records what was asked."""

    def __init__(self) -> None:
        self.tickets = {
            "GD20240501001": TicketParties(TICKET_A, "wei.zhang@contoso.com", ("alice.chen@gmail.com",)),
            "GD20240501005": TicketParties(TICKET_B, "LiuYang.Work@gmail.com"),
        }
        self.message_ids = {
            f"<ticket-{TICKET_A}@demo.local>": TICKET_A,
            "<reply-5d1c9e7a3b2f4a6c8e0d1f2a3b4c5d6e@demo.local>": TICKET_A,
            "<customer-first-mail@example.cn>": TICKET_C,
        }
        self.asked: list[str] = []

    def ticket_by_number(self, number: str) -> TicketParties | None:
        self.asked.append(number)
        return self.tickets.get(number)

    def ticket_by_message_id(self, message_id: str) -> str | None:
        self.asked.append(message_id)
        return self.message_ids.get(message_id)


def resolve(parsed: ParsedMail, lookups: Lookups | None = None, **kwargs: object) -> ThreadMatch | None:
    return resolve_thread(parsed, lookups or Lookups(), secret=SECRET, support_address=SUPPORT, **kwargs)  # type: ignore[arg-type]


def mail(sender: str, subject: str, extra: str = "", to: str = SUPPORT) -> ParsedMail:
    raw = f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n{extra}\r\nbody\r\n"
    return parse_mail(raw.encode())


# -- tokens -----------------------------------------------------------------------------------------------------------


def test_reply_address_round_trip():
    address = make_reply_address(TICKET_A, SECRET, SUPPORT)
    local, _, domain = address.partition("@")
    assert domain == "demo.local" and local.startswith("support+")
    assert len(local) <= MAX_LOCAL_PART
    assert local == local.lower() and all(ch.isalnum() or ch == "+" for ch in local)
    assert ticket_id_from_recipients([address], SECRET, SUPPORT) == TICKET_A


def test_tokens_survive_servers_that_change_case():
    address = make_reply_address(TICKET_A, SECRET, SUPPORT)
    assert ticket_id_from_recipients([address.upper()], SECRET, SUPPORT) == TICKET_A
    assert ticket_id_from_recipients([f"<{address.title()}>"], SECRET, "Support@Demo.Local") == TICKET_A


def test_ids_that_are_not_hex_round_trip():
    token = make_reply_token("T-42/季度", SECRET)
    assert ticket_id_from_token(token, SECRET) == "T-42/季度"
    assert ticket_id_from_token(token.upper(), SECRET) == "T-42/季度"


def test_a_tampered_token_is_refused():
    token = make_reply_token(TICKET_A, SECRET)
    for position in range(1, len(token)):
        flipped = "a" if token[position] != "a" else "b"
        assert ticket_id_from_token(token[:position] + flipped + token[position + 1 :], SECRET) is None
    assert ticket_id_from_token(token[:-1], SECRET) is None
    assert ticket_id_from_token(token + "a", SECRET) is None
    # Another ticket's id with this token's signature.
    other = make_reply_token(TICKET_B, SECRET)
    assert ticket_id_from_token(other[:27] + token[27:], SECRET) is None


def test_a_token_signed_with_another_secret_is_refused():
    assert ticket_id_from_token(make_reply_token(TICKET_A, "another-secret"), SECRET) is None


@pytest.mark.parametrize("garbage", ["", "1", "9abc", "1!!!!", "1" + "a" * 200, "2" + "a" * 10, "0" * 43])
def test_garbage_tokens_are_refused(garbage: str):
    assert ticket_id_from_token(garbage, SECRET) is None


def test_secrets_can_be_rotated():
    old_token = make_reply_token(TICKET_A, "old-secret")
    assert ticket_id_from_token(old_token, ("new-secret", "old-secret")) == TICKET_A
    assert ticket_id_from_token(make_reply_token(TICKET_A, ("new-secret", "old-secret")), "new-secret") == TICKET_A


def test_an_empty_secret_is_refused():
    with pytest.raises(ValueError):
        make_reply_token(TICKET_A, "")


def test_an_id_too_long_for_a_local_part_is_refused():
    with pytest.raises(ValueError):
        make_reply_address("x" * 40, SECRET, SUPPORT)


def test_only_our_address_carries_tokens():
    token = make_reply_token(TICKET_A, SECRET)
    assert ticket_id_from_recipients([f"support+{token}@other.example"], SECRET, SUPPORT) is None
    assert ticket_id_from_recipients([f"sales+{token}@demo.local"], SECRET, SUPPORT) is None
    assert ticket_id_from_recipients([SUPPORT, "x@y.z", f"support+{token}@demo.local"], SECRET, SUPPORT) == TICKET_A


# -- subject numbers --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "numbers"),
    [
        ("Re: [GD20240501001] Printer cannot connect", ["GD20240501001"]),
        ("回复：GD20240501001", ["GD20240501001"]),
        ("答复: 工单GD20240501001已处理", ["GD20240501001"]),
        ("Fwd: GD20240501001 and GD20240502017, again GD20240501001", ["GD20240501001", "GD20240502017"]),
        ("re: gd20240501001", ["GD20240501001"]),
        ("回复：ＧＤ２０２４０５０１００１", ["GD20240501001"]),
        ("[GD202405011234] four-digit sequence", ["GD202405011234"]),
        ("GD20241399001 is not a date", []),
        ("GD2024050100123456789 is an order number", []),
        ("XGD20240501001 is part of a word", []),
        ("GD2024050100 is too short", []),
        ("no number here", []),
    ],
)
def test_ticket_numbers_in_subject(subject: str, numbers: list[str]):
    assert ticket_numbers_in_subject(subject) == numbers


# -- resolving --------------------------------------------------------------------------------------------------------


def test_the_reply_address_token_wins_over_everything_else():
    address = make_reply_address(TICKET_C, SECRET, SUPPORT)
    parsed = mail(
        "wei.zhang@contoso.com",
        "Re: [GD20240501001] x",
        f"References: <ticket-{TICKET_A}@demo.local>\r\n",
        to=f"Support <{address}>",
    )
    lookups = Lookups()
    assert resolve(parsed, lookups) == ThreadMatch(TICKET_C, ThreadRule.REPLY_ADDRESS)
    assert lookups.asked == []  # no reads needed


def test_a_bcc_reply_address_is_found_in_the_envelope():
    parsed = mail("someone@example.cn", "no number")
    envelope = [SUPPORT, make_reply_address(TICKET_B, SECRET, SUPPORT)]
    assert resolve(parsed, envelope_recipients=envelope) == ThreadMatch(TICKET_B, ThreadRule.REPLY_ADDRESS)


def test_a_forged_token_falls_through_to_the_other_rules():
    forged = make_reply_address(TICKET_C, "attacker-secret", SUPPORT)
    parsed = mail("wei.zhang@contoso.com", "Re: [GD20240501001] x", to=forged)
    assert resolve(parsed) == ThreadMatch(TICKET_A, ThreadRule.SUBJECT_NUMBER, "GD20240501001")


def test_the_subject_number_is_accepted_from_the_requester_and_from_a_cc():
    assert resolve(mail("Wei Zhang <Wei.Zhang@Contoso.com>", "回复：GD20240501001")) == ThreadMatch(
        TICKET_A, ThreadRule.SUBJECT_NUMBER, "GD20240501001"
    )
    assert resolve(mail("alice.chen@gmail.com", "Re: [GD20240501001] x")) == ThreadMatch(
        TICKET_A, ThreadRule.SUBJECT_NUMBER, "GD20240501001"
    )
    assert resolve(mail("liuyang.work@gmail.com", "Re: [GD20240501005]")) == ThreadMatch(
        TICKET_B, ThreadRule.SUBJECT_NUMBER, "GD20240501005"
    )


def test_a_stranger_quoting_a_ticket_number_does_not_land_on_that_ticket():
    parsed = mail("stranger@evil.example", "Re: [GD20240501001] please change the delivery address")
    assert resolve(parsed) is None


def test_a_stranger_with_a_number_still_threads_by_message_id_to_the_ticket_the_ids_name():
    parsed = mail(
        "stranger@evil.example",
        "Re: [GD20240501001] x",
        "In-Reply-To: <customer-first-mail@example.cn>\r\n",
    )
    assert resolve(parsed) == ThreadMatch(TICKET_C, ThreadRule.IN_REPLY_TO, "<customer-first-mail@example.cn>")


def test_the_number_of_a_ticket_that_does_not_exist_is_ignored():
    assert resolve(mail("wei.zhang@contoso.com", "Re: [GD20991231001]")) is None


def test_in_reply_to_a_stored_message():
    parsed = mail("x@example.cn", "Re: hello", "In-Reply-To: <customer-first-mail@example.cn>\r\n")
    assert resolve(parsed) == ThreadMatch(TICKET_C, ThreadRule.IN_REPLY_TO, "<customer-first-mail@example.cn>")


def test_references_find_our_own_id_after_ses_rewrote_the_message_id():
    # Gmail reply: In-Reply-To is the id SES gave our mail (never stored); References still carry ours.
    parsed = parse_mail((CORPUS_DIR / "06_gmail_en_reply.eml").read_bytes())
    parsed = ParsedMail(**{**parsed.__dict__, "subject": "no number in this subject"})
    lookups = Lookups()
    assert resolve(parsed, lookups) == ThreadMatch(
        TICKET_A, ThreadRule.REFERENCES, "<reply-5d1c9e7a3b2f4a6c8e0d1f2a3b4c5d6e@demo.local>"
    )
    assert lookups.asked[0] == SES_ID  # In-Reply-To first, then References newest first


def test_outlook_reply_from_the_requester_threads_by_subject_number():
    parsed = parse_mail((CORPUS_DIR / "01_outlook_en_reply.eml").read_bytes())
    assert resolve(parsed) == ThreadMatch(TICKET_A, ThreadRule.SUBJECT_NUMBER, "GD20240501001")


def test_a_long_references_header_costs_a_bounded_number_of_reads():
    references = " ".join(f"<junk-{i}@example.org>" for i in range(1000))
    parsed = mail("x@example.cn", "hello", f"References: {references}\r\n")
    lookups = Lookups()
    assert resolve(parsed, lookups) is None
    assert len(lookups.asked) <= 21


def test_a_new_conversation_matches_nothing():
    assert resolve(mail("new.customer@example.cn", "打印机坏了")) is None
