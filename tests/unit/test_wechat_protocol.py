"""WeChat's signatures, AES and XML against published vectors, and the parser against hostile XML."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.wechat.crypto import MessageCrypto
from shared.domain.wechat.followers import Follower, default_name, openid_of, requester_address
from shared.domain.wechat.protocol import (
    InboundMessage,
    check_signature,
    check_timestamp,
    message_from_fields,
    parse_xml,
    render_xml,
    signature,
)
from shared.errors import InvalidSignature, InvalidXml, StaleRequest

# WeChat's access guide (消息加解密说明, 接入指引, plaintext mode): Token "AAAAA".
GUIDE = {"token": "AAAAA", "timestamp": "1714037059", "nonce": "486452656"}
GUIDE_SIGNATURE = "899cf89e464efb63f54ddac96b0a0a235f53aa78"

# WXBizMsgCrypt's published sample (the algorithm the Official Account uses, with the AppID as the receiver id).
TOKEN = "123456"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
APP_ID = "wx49f0ab532d5d035a"
SAMPLE_ENCRYPT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6y"
    "dJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/T"
    "ywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5"
    "t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)
SAMPLE_MSG_SIGNATURE = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
SAMPLE_TIMESTAMP, SAMPLE_NONCE = "1411525903", "461056294"
SAMPLE_REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
SAMPLE_REPLY_ENCRYPT = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesE"
    "l5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsD"
    "f03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nT"
    "YjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
)
SAMPLE_REPLY_SIGNATURE = "407518b7649e86ef23978113f92d27afa9296533"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol9;</Content><MsgId>1</MsgId></xml>"""


def test_the_access_guides_plaintext_signature():
    assert signature(*GUIDE.values()) == GUIDE_SIGNATURE
    check_signature(GUIDE_SIGNATURE, *GUIDE.values())
    with pytest.raises(InvalidSignature):
        check_signature(GUIDE_SIGNATURE, "AAAAB", GUIDE["timestamp"], GUIDE["nonce"])
    with pytest.raises(InvalidSignature):
        check_signature(None, *GUIDE.values())


def test_the_published_secure_mode_message_decrypts_with_its_signature():
    check_signature(SAMPLE_MSG_SIGNATURE, TOKEN, SAMPLE_TIMESTAMP, SAMPLE_NONCE, SAMPLE_ENCRYPT)
    plain = MessageCrypto(AES_KEY, APP_ID).decrypt(SAMPLE_ENCRYPT)
    fields = parse_xml(plain)
    assert fields["Content"] == "test"
    assert fields["FromUserName"] == "messense"


def test_the_published_reply_encrypts_to_the_same_bytes_with_its_random_prefix():
    encrypted = MessageCrypto(AES_KEY, APP_ID).encrypt(SAMPLE_REPLY.encode(), random=b"1234567890123456")
    assert encrypted == SAMPLE_REPLY_ENCRYPT
    assert signature(TOKEN, SAMPLE_TIMESTAMP, SAMPLE_NONCE, encrypted) == SAMPLE_REPLY_SIGNATURE


def test_aes_refuses_another_app_id_and_garbage():
    with pytest.raises(InvalidSignature):
        MessageCrypto(AES_KEY, "wxsomeoneelse00000").decrypt(SAMPLE_ENCRYPT)
    with pytest.raises(InvalidXml):
        MessageCrypto(AES_KEY, APP_ID).decrypt("not base64 at all!")
    with pytest.raises(InvalidXml):
        MessageCrypto(AES_KEY, APP_ID).decrypt("AAAA")
    other = MessageCrypto("a" * 43, APP_ID).encrypt(b"<xml/>")
    with pytest.raises(InvalidSignature):
        MessageCrypto(AES_KEY, APP_ID).decrypt(other)


def test_round_trip_of_chinese_text():
    crypto = MessageCrypto(AES_KEY, APP_ID)
    body = render_xml({"Content": "打印机连不上了 ]]> 怎么办", "CreateTime": 1}).encode()
    assert parse_xml(crypto.decrypt(crypto.encrypt(body)))["Content"] == "打印机连不上了 ]]> 怎么办"


def test_timestamps_older_or_newer_than_five_minutes_are_refused():
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    stamp = str(int(now.timestamp()))
    assert check_timestamp(stamp, now + timedelta(minutes=4)) == now
    for moved in (timedelta(minutes=6), -timedelta(minutes=6)):
        with pytest.raises(StaleRequest):
            check_timestamp(stamp, now + moved)
    for bad in (None, "", "abc", "9" * 30):
        with pytest.raises(StaleRequest):
            check_timestamp(bad, now)


def test_the_parser_refuses_entity_expansion_malformed_and_foreign_xml():
    with pytest.raises(InvalidXml, match="DTD"):
        parse_xml(BILLION_LAUGHS)
    external = b'<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>'
    with pytest.raises(InvalidXml):
        parse_xml(external)
    for bad in (b"", b"<xml><Content>unclosed</xml>", b"\xff\xfe", b"<html><body/></html>", b"not xml"):
        with pytest.raises(InvalidXml):
            parse_xml(bad)
    with pytest.raises(InvalidXml):
        parse_xml(b"<xml>" + b"<A>1</A>" * 100 + b"</xml>")


def test_messages_need_their_fields():
    base = {"ToUserName": "gh_1", "FromUserName": "oUser-1_x", "CreateTime": "1700000000", "MsgType": "text"}
    text = message_from_fields({**base, "Content": "你好", "MsgId": "1234567890123456"})
    assert (text.openid, text.msg_id, text.dedupe_key()) == ("oUser-1_x", "1234567890123456", "msg:1234567890123456")
    event = message_from_fields({**base, "MsgType": "event", "Event": "subscribe"})
    assert event.is_event and event.dedupe_key() == "event:oUser-1_x:1700000000:subscribe"
    for broken in (
        {**base, "Content": "x"},  # no MsgId
        {**base, "FromUserName": "", "MsgId": "1"},
        {**base, "FromUserName": "<script>", "MsgId": "1"},
        {**base, "CreateTime": "yesterday", "MsgId": "1"},
        {**base, "MsgType": "event"},  # no Event
    ):
        with pytest.raises(InvalidXml):
            message_from_fields(broken)
    assert InboundMessage.from_json(text.to_json()) == text


def test_a_followers_address_gives_the_openid_back_and_never_receives_mail():
    openid = "oia2TjjewbmiOUlr6X-1crbLOvLw"
    address = requester_address(openid)
    assert address == address.lower() and address.endswith("@wechat.invalid")
    assert openid_of(address) == openid
    assert openid_of(address.upper()) == openid
    assert openid_of("wang@example.com") is None and openid_of("@wechat.invalid") is None
    assert default_name(openid).startswith("微信用户") and len(default_name(openid)) == 10


def test_the_48_hour_window_runs_from_the_followers_last_message():
    at = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    message = InboundMessage("gh", "o1", int(at.timestamp()), "text", msg_id="1", content="hi")
    follower = Follower.new("o1", at).seen(message)
    assert follower.window_open(at + timedelta(hours=47, minutes=59))
    assert not follower.window_open(at + timedelta(hours=48))
    older = InboundMessage("gh", "o1", int(at.timestamp()) - 60, "text", msg_id="0", content="earlier")
    assert follower.seen(older).last_seen_at == at  # a late redelivery does not move the window back
    gone = follower.seen(InboundMessage("gh", "o1", int(at.timestamp()) + 1, "event", event="unsubscribe"))
    assert not gone.subscribed and not gone.window_open(at + timedelta(minutes=1))
    # An old subscription event redelivered after the unsubscription does not make them follow again.
    assert not gone.seen(InboundMessage("gh", "o1", int(at.timestamp()) - 5, "event", event="subscribe")).subscribed
