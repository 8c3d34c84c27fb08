"""Live chat's pure parts: frames, conversation tokens, chat capacity, rate windows (docs/chat.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.assignment import AssignmentReason, Candidate, TicketNeeds, choose_agent
from shared.domain.chat import protocol
from shared.domain.chat.capacity import CHAT_PRIORITY, chat_candidate
from shared.domain.chat.protocol import End, FrameError, Line, Resume, Start, Typing, parse_frame
from shared.domain.chat.rates import FRAMES_PER_CONNECTION
from shared.domain.chat.settings import ChatSettings, valid_origin
from shared.domain.chat.tokens import make_conversation_token, ticket_id_from_conversation_token
from shared.domain.directory import Agent, Availability
from shared.domain.reports.surveys import make_survey_token
from shared.domain.tickets import Priority
from shared.errors import InvalidInput

SECRET = "chat-secret-of-32-bytes-or-more-xx"
TICKET = "0123456789abcdef0123456789abcdef"


def code_of(body: str | bytes, signed_in: bool = False) -> str:
    with pytest.raises(FrameError) as caught:
        parse_frame(body, signed_in)
    return caught.value.code


def test_frames_become_actions() -> None:
    assert parse_frame('{"action":"start","name":" 王  小明 ","email":"Wang@Example.com","text":" 你好 "}') == Start(
        "王 小明", "wang@example.com", "你好"
    )
    assert parse_frame('{"action":"start","name":"Li","text":"hi"}') == Start("Li", None, "hi")
    assert parse_frame('{"action":"resume","conversation":"abc"}') == Resume("abc")
    assert parse_frame('{"action":"message","text":"还在吗","id":"l-1"}') == Line("还在吗", "l-1")
    assert parse_frame('{"action":"message","text":"x"}') == Line("x", None)
    assert parse_frame('{"action":"typing"}') == Typing()
    assert parse_frame('{"action":"end","extra":1}') == End()


def test_a_signed_in_customer_starts_without_a_name() -> None:
    assert parse_frame('{"action":"start","text":"hi"}', signed_in=True) == Start("", None, "hi")
    assert code_of('{"action":"start","text":"hi"}') == "invalid_name"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("not json", "invalid_frame"),
        ("[1, 2]", "invalid_frame"),
        (b"\xff\xfe", "invalid_frame"),
        ("", "invalid_frame"),
        ('{"action":"dance"}', "unknown_action"),
        ("{}", "unknown_action"),
        ('{"action":"message","text":""}', "invalid_text"),
        ('{"action":"message","text":"   "}', "invalid_text"),
        ('{"action":"message","text":5}', "invalid_text"),
        ('{"action":"message","text":"' + "a" * 4001 + '"}', "invalid_text"),
        ('{"action":"message","text":"x","id":"has space"}', "invalid_frame"),
        ('{"action":"start","name":"A","email":"not-an-address","text":"x"}', "invalid_email"),
        ('{"action":"start","name":"' + "n" * 101 + '","text":"x"}', "invalid_name"),
        ('{"action":"resume"}', "invalid_conversation"),
        ('{"action":"resume","conversation":7}', "invalid_conversation"),
    ],
)
def test_bad_frames_are_named(body: str | bytes, code: str) -> None:
    assert code_of(body) == code


def test_frames_over_8_kb_are_refused_before_parsing() -> None:
    body = json.dumps({"action": "message", "text": "a" * 3000, "pad": "b" * 6000})
    assert len(body.encode()) > protocol.MAX_FRAME_BYTES
    assert code_of(body) == "frame_too_large"
    assert code_of(b"{" * (protocol.MAX_FRAME_BYTES + 1)) == "frame_too_large"
    # 8 KB of Chinese is fewer characters than bytes: the limit is on bytes, as API Gateway counts them.
    assert code_of(json.dumps({"action": "message", "text": "字" * 3000}, ensure_ascii=False)) == "frame_too_large"


def test_server_frames_have_the_protocol_shapes() -> None:
    at = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    assert protocol.started("T", "GD20261206001") == {
        "type": "started",
        "conversation": "T",
        "ticket_number": "GD20261206001",
    }
    assert protocol.line("agent", "张三", "您好", at) == {
        "type": "message",
        "from": "agent",
        "name": "张三",
        "text": "您好",
        "at": "2026-12-06T09:00:00+00:00",
    }
    assert protocol.queue(2) == {"type": "queue", "position": 2}
    assert protocol.assigned("张三") == {"type": "assigned", "name": "张三"}
    assert protocol.error("invalid_text", "m") == {"type": "error", "code": "invalid_text", "message": "m"}
    assert [protocol.typing(), protocol.offline(), protocol.ended()] == [
        {"type": "typing"},
        {"type": "offline"},
        {"type": "ended"},
    ]
    assert protocol.encode({"type": "message", "text": "你好"}) == '{"type":"message","text":"你好"}'


def test_conversation_tokens_name_one_ticket_and_cannot_be_forged() -> None:
    token = make_conversation_token(TICKET, SECRET)
    assert ticket_id_from_conversation_token(token, SECRET) == TICKET
    assert ticket_id_from_conversation_token(token, "another-secret") is None
    tampered = ("A" if token[0] != "A" else "B") + token[1:]
    assert ticket_id_from_conversation_token(tampered, SECRET) is None
    assert ticket_id_from_conversation_token("", SECRET) is None
    assert ticket_id_from_conversation_token("!" * 30, SECRET) is None
    assert ticket_id_from_conversation_token(token, "") is None
    # A survey link's token for the same ticket, under the same secret, is not a conversation token.
    assert ticket_id_from_conversation_token(make_survey_token(TICKET, SECRET), SECRET) is None
    with pytest.raises(ValueError):
        make_conversation_token("GD20261206001", SECRET)


def seat(email: str, open_chats: int = 0, online: bool = True, **kwargs: object) -> Candidate:
    agent = Agent(email, email.split("@")[0], "agent", teams=["desk"], capacity=0, **kwargs)  # type: ignore[arg-type]
    agent.availability = Availability.ONLINE if online else Availability.OFFLINE
    return chat_candidate(agent, {Priority.P1: open_chats})


def test_a_chat_goes_to_the_online_agent_with_the_fewest_chats_under_their_chat_capacity() -> None:
    needs = TicketNeeds("desk", CHAT_PRIORITY)
    placed = choose_agent(needs, [seat("a@x", 2), seat("b@x", 1), seat("c@x", 0, online=False)])
    assert placed.agent == "b@x"
    # Ticket capacity (0 here) plays no part: three open chats fill a seat whatever else the agent holds.
    full = choose_agent(needs, [seat("a@x", 3), seat("b@x", 3)])
    assert (full.agent, full.reason) == (None, AssignmentReason.ALL_AT_CAPACITY)
    assert choose_agent(needs, [seat("a@x", 3, chat_capacity=4)]).agent == "a@x"


def test_chat_ties_go_round_robin_and_seniority_plays_no_part() -> None:
    needs = TicketNeeds("desk", CHAT_PRIORITY)
    assert choose_agent(needs, [seat("a@x", 1, senior=True), seat("b@x", 0)]).agent == "b@x"
    assert choose_agent(needs, [seat("a@x", 1), seat("b@x", 1)], cursor="a@x").agent == "b@x"


def test_nobody_online_is_offline() -> None:
    needs = TicketNeeds("desk", CHAT_PRIORITY)
    assert choose_agent(needs, [seat("a@x", online=False)]).reason is AssignmentReason.NOBODY_AVAILABLE
    assert choose_agent(needs, []).reason is AssignmentReason.NO_TEAM_MEMBERS


def test_rate_windows_are_fixed_and_shared_by_every_process() -> None:
    now = datetime(2026, 12, 6, 9, 0, 3, tzinfo=UTC)
    key, ends = FRAMES_PER_CONNECTION.window("c1", now)
    assert key == f"RATE#connection#c1#{int(now.timestamp()) - 3}"
    assert ends == datetime(2026, 12, 6, 9, 0, 10, tzinfo=UTC)
    assert FRAMES_PER_CONNECTION.window("c1", now + timedelta(seconds=6))[0] == key
    assert FRAMES_PER_CONNECTION.window("c1", now + timedelta(seconds=7))[0] != key
    assert FRAMES_PER_CONNECTION.retry_after(now) == timedelta(seconds=7)


def test_staff_frames_are_watch_and_typing_only() -> None:
    assert parse_frame('{"action":"watch","ticket":"GD20261206001"}', staff=True) == protocol.Watch("GD20261206001")
    assert parse_frame('{"action":"typing"}', staff=True) == Typing()
    with pytest.raises(FrameError) as caught:
        parse_frame('{"action":"start","name":"a","text":"b"}', staff=True)
    assert caught.value.code == "unknown_action"
    with pytest.raises(FrameError) as caught:
        parse_frame('{"action":"watch","ticket":""}', staff=True)
    assert caught.value.code == "invalid_frame"
    assert code_of('{"action":"watch","ticket":"GD1"}') == "unknown_action"  # not for visitors


@pytest.mark.parametrize(
    "origin",
    [
        "https://shop.example.com",
        "https://a-b.example.cn:8443",
        "http://localhost:3000",
        "http://127.0.0.1",
        "https://x",
    ],
)
def test_a_well_formed_site_is_allowed_as_written(origin: str) -> None:
    assert valid_origin(origin)
    scheme, host = origin.split("//")
    written = f"{scheme}//{host.upper()}" if scheme == "https:" else origin  # host names are case-insensitive
    assert ChatSettings.of([written], 30).allows(origin, "https://desk.example.com")


@pytest.mark.parametrize(
    "origin",
    [
        "http://shop.example.com",  # plain http is for the machine itself only
        "https://shop.example.com/path",
        "https://user@shop.example.com",
        "https://shop.example.com:0",
        "https://shop.example.com:65536",
        "https://-shop.example.com",
        "https://shop.example.com:٣",  # digits of another script
        "ftp://shop.example.com",
        "",
    ],
)
def test_a_malformed_site_is_refused_naming_it(origin: str) -> None:
    assert not valid_origin(origin)
    with pytest.raises(InvalidInput) as refused:
        ChatSettings.of(["https://ok.example.com", origin], 30)
    assert refused.value.field == "allowed_origins[1]"


def test_the_products_own_site_is_always_allowed_and_the_defaults_come_from_the_deployment() -> None:
    defaults = ChatSettings.defaults(" https://a.example.com/ ,,HTTPS://B.example.com", 45)
    assert defaults.allowed_origins == ("https://a.example.com", "https://b.example.com")
    assert defaults.idle_minutes == 45 and defaults.version == 0
    assert ChatSettings().allows("https://desk.example.com/", "https://desk.example.com")
    assert not ChatSettings().allows("https://a.example.com", "https://desk.example.com")
    assert ChatSettings.of(["https://a.example.com", "https://A.example.com"], 0).allowed_origins == (
        "https://a.example.com",
    )
    for idle in (-1, 1441, True, "30"):
        with pytest.raises(InvalidInput):
            ChatSettings.of([], idle)  # type: ignore[arg-type]
