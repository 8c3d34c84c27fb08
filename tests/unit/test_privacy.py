"""The pure rules of an erasure: the pseudonym and what the scrubber replaces."""

from __future__ import annotations

from shared.domain.privacy import REDACTED, Scrubber, is_pseudonym, pseudonym_for, redacted_mail


def test_the_pseudonym_is_stable_and_never_a_mailbox():
    one, two = pseudonym_for("Lin.Wei@Example.com"), pseudonym_for("lin.wei@example.com")
    assert one == two and is_pseudonym(one.email)
    assert "lin" not in one.email and one.email.endswith("@erased.invalid")
    assert pseudonym_for("other@example.com") != one


def test_the_scrubber_replaces_address_names_and_phone_digits_wherever_they_are():
    scrubber = Scrubber(pseudonym_for("lin.wei@example.com"), "lin.wei@example.com", {"林伟"}, ["138-1234-5678"])
    value = {
        "to": ["LIN.WEI@example.com"],
        "body": "林伟您好，已回电 138 1234 5678。",
        "nested": [{"note": "+86 (138) 1234-5678"}],
        "count": 3,
    }
    scrubbed = scrubber.value(value)
    text = str(scrubbed)
    assert "lin.wei" not in text.lower() and "林伟" not in text and "1234" not in text
    assert scrubbed["count"] == 3
    assert scrubbed["to"] == [scrubber.pseudonym.email]


def test_an_inbound_mail_keeps_only_its_threading_id():
    kept = redacted_mail({"message_id": "<a@b>", "from": "x@y", "html": "<p>hi</p>", "attachments": [{"key": "k"}]})
    assert kept == {"message_id": "<a@b>", "redacted": True, "attachments": []}
    assert REDACTED == "[已删除]"
