"""Live chat's WebSocket handler over moto, fed API Gateway's WebSocket event shapes (docs/chat.md).

Frames pushed to a visitor go through the local WebSocket server's push adapter (`LocalSockets`): each test
registers a visitor's "socket" there, as the local server does for a real one, and unregistering it is a socket
gone without a `$disconnect`.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from functions.chat_socket.handler import handle, lambda_handler
from infra.local.process import ROOT
from infra.local.pump import LambdaContext
from shared.domain.chat.tokens import make_conversation_token
from shared.domain.directory import Availability
from shared.errors import ConnectionGone

AGENT = "lead@demo.local"  # sees every team's tickets
REPLIER = "wangfang@demo.local"
ORIGIN = "http://127.0.0.1:8000"
SAMPLES = ROOT / "events" / "chat_socket"


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


class Visitor:
    """One browser tab: a connection id, its socket's received frames, and API Gateway's events for it."""

    def __init__(self, env: Any, connection_id: str, origin: str | None = ORIGIN) -> None:
        self.env = env
        self.connection_id = connection_id
        self.origin = origin
        self.frames: list[dict[str, Any]] = []
        self._sent = 0

    def connect(self, token: str | None = None) -> int:
        event = sample("connect")
        event["requestContext"]["connectionId"] = self.connection_id
        event["headers"] = {k: v for k, v in event["headers"].items() if k != "Origin"}
        if self.origin:
            event["headers"]["Origin"] = self.origin
        if token:
            event["queryStringParameters"] = {"token": token}
        status = handle(event)["statusCode"]
        if status == 200:
            self.env.container.local_sockets.register(self.connection_id, self._receive)
        return status

    def _receive(self, data: str) -> None:
        self.frames.append(json.loads(data))

    def event(self, body: Any, message_id: str | None = None) -> dict[str, Any]:
        self._sent += 1
        event = sample("default")
        event["requestContext"]["connectionId"] = self.connection_id
        event["requestContext"]["messageId"] = message_id or f"{self.connection_id}-m{self._sent}"
        event["body"] = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        return event

    def send(self, body: Any, message_id: str | None = None) -> list[dict[str, Any]]:
        """The frames this one brought back."""
        before = len(self.frames)
        assert handle(self.event(body, message_id)) == {"statusCode": 200}
        return self.frames[before:]

    def close_socket(self) -> None:
        """The socket went away and API Gateway forgot it, with no $disconnect delivered (yet)."""
        self.env.container.local_sockets.unregister(self.connection_id)

    def disconnect(self) -> None:
        event = sample("disconnect")
        event["requestContext"]["connectionId"] = self.connection_id
        assert handle(event) == {"statusCode": 200}
        self.close_socket()


@pytest.fixture
def visitor(env: Any) -> Visitor:
    visitor = Visitor(env, "conn-visitor-1")
    assert visitor.connect() == 200
    return visitor


def start(visitor: Visitor, **fields: Any) -> dict[str, Any]:
    frame = {"action": "start", "name": "王小明", "email": "wang@example.com", "text": "我的订单一直没有发货", **fields}
    (started, *_rest) = visitor.send(frame)
    assert started["type"] == "started", started
    return started


def ticket_of(api: Any, number: str) -> dict[str, Any]:
    response = api.call("GET", f"/api/tickets/{number}", who=AGENT)
    assert response.status_code == 200, response.json_body
    return response.json_body


def messages_of(api: Any, number: str) -> list[dict[str, Any]]:
    return api.call("GET", f"/api/tickets/{number}/messages", who=AGENT).json_body["items"]


def test_a_visitor_starts_a_chat_and_it_is_a_chat_ticket(env, api, visitor):
    started = start(visitor)
    assert started["ticket_number"].startswith("GD") and len(started["conversation"]) >= 20
    ticket = ticket_of(api, started["ticket_number"])
    assert (ticket["channel"], ticket["status"], ticket["subject"]) == ("chat", "new", "我的订单一直没有发货")
    assert ticket["requester"] == {"email": "wang@example.com", "name": "王小明"}
    (first,) = messages_of(api, started["ticket_number"])
    assert (first["body"], first["author"]["role"], first["channel"]) == ("我的订单一直没有发货", "customer", "chat")
    assert env.container.chat_store.targets(ticket["id"]) == [visitor.connection_id]
    # A line goes onto the same ticket, as a customer's message.
    assert visitor.send({"action": "message", "text": "订单号 20261206-88", "id": "l-2"}) == []
    assert [m["body"] for m in messages_of(api, started["ticket_number"])][-1] == "订单号 20261206-88"


def test_a_visitor_without_an_address_gets_a_requester_that_is_never_mailed(api, visitor):
    started = start(visitor, email=None, name="访客")
    requester = ticket_of(api, started["ticket_number"])["requester"]
    assert requester["name"] == "访客" and requester["email"].endswith("@chat.invalid")


def test_the_same_line_delivered_twice_is_one_ticket_message(api, visitor):
    started = start(visitor)
    event = visitor.event({"action": "message", "text": "请尽快处理", "id": "line-7"})
    assert handle(event) == handle(copy.deepcopy(event)) == {"statusCode": 200}  # API Gateway's redelivery
    # The widget resending the line after a reconnect: a new delivery id, the same line id.
    visitor.send({"action": "message", "text": "请尽快处理", "id": "line-7"}, message_id="another-delivery")
    # Without an id, API Gateway's messageId is the line's key.
    plain = visitor.event({"action": "message", "text": "在吗"}, message_id="delivery-42")
    handle(plain)
    handle(copy.deepcopy(plain))
    bodies = [m["body"] for m in messages_of(api, started["ticket_number"])]
    assert bodies == ["我的订单一直没有发货", "请尽快处理", "在吗"]


def test_the_same_start_delivered_twice_is_one_ticket(env, api, visitor):
    event = visitor.event({"action": "start", "name": "李雷", "text": "发票开错了"}, message_id="start-1")
    handle(event)
    handle(copy.deepcopy(event))
    started = [f for f in visitor.frames if f["type"] == "started"]
    assert len(started) == 2 and started[0] == started[1]  # the same answer, one ticket
    requested = api.call("GET", "/api/tickets?view=all", who="lead@demo.local").json_body["items"]
    assert [t["number"] for t in requested if t["subject"] == "发票开错了"] == [started[0]["ticket_number"]]


def test_a_gone_connection_is_deleted_and_never_retried(env, api, visitor):
    started = start(visitor)
    ticket = ticket_of(api, started["ticket_number"])
    second = Visitor(env, "conn-visitor-2")
    assert second.connect() == 200
    (resumed,) = second.send({"action": "resume", "conversation": started["conversation"]})
    assert resumed["type"] == "resumed"
    assert sorted(env.container.chat_store.targets(ticket["id"])) == ["conn-visitor-1", "conn-visitor-2"]

    visitor.close_socket()  # gone: API Gateway answers 410 to a push
    delivered = env.container.chat.push_to_conversation(ticket["id"], {"type": "typing"})
    assert delivered == 1 and second.frames[-1] == {"type": "typing"}
    assert env.container.chat_store.targets(ticket["id"]) == ["conn-visitor-2"]
    assert env.container.chat_store.connection("conn-visitor-1") is None
    # The next push does not try the gone connection again.
    assert env.container.chat.push_to_conversation(ticket["id"], {"type": "typing"}) == 1


def test_a_frame_from_a_gone_socket_cleans_up_after_itself(env, visitor):
    start(visitor)
    visitor.close_socket()
    handle(visitor.event({"action": "typing", "extra": "x" * 10}))  # answered with nothing: nothing to push
    handle(visitor.event({"action": "dance"}))  # the error frame finds the socket gone
    assert env.container.chat_store.connection(visitor.connection_id) is None


def test_disconnect_deletes_the_connection(env, api, visitor):
    started = start(visitor)
    ticket_id = ticket_of(api, started["ticket_number"])["id"]
    visitor.disconnect()
    assert env.container.chat_store.connection(visitor.connection_id) is None
    assert env.container.chat_store.targets(ticket_id) == []
    visitor.disconnect()  # API Gateway may deliver it twice


def test_reconnect_and_resume_gives_the_conversation_back(env, api, visitor):
    started = start(visitor)
    number = started["ticket_number"]
    reply = api.call("POST", f"/api/tickets/{number}/messages", who=AGENT, json={"body": "您好，正在为您查询"})
    assert reply.status_code == 201
    note = {"body": "仓库说明天发", "internal": True}
    assert api.call("POST", f"/api/tickets/{number}/messages", who=AGENT, json=note).status_code == 201
    visitor.disconnect()

    again = Visitor(env, "conn-visitor-3")
    assert again.connect() == 200
    (resumed,) = again.send({"action": "resume", "conversation": started["conversation"]})
    assert [(m["from"], m["text"]) for m in resumed["messages"]] == [
        ("visitor", "我的订单一直没有发货"),
        ("agent", "您好，正在为您查询"),  # internal notes never reach the visitor
    ]
    assert set(resumed["messages"][1]) == {"from", "name", "text", "at"}
    again.send({"action": "message", "text": "好的谢谢", "id": "r-1"})
    assert messages_of(api, number)[-1]["body"] == "好的谢谢"


def test_bad_input_is_answered_with_an_error_frame_and_the_socket_stays(env, api, visitor):
    def code(body: Any) -> str:
        (frame,) = visitor.send(body)
        assert frame["type"] == "error" and frame["message"], frame
        return str(frame["code"])

    assert code({"action": "message", "text": "hi"}) == "no_conversation"
    assert code("not json") == "invalid_frame"
    assert code({"action": "dance"}) == "unknown_action"
    assert code({"action": "start", "name": "A", "text": "   "}) == "invalid_text"
    assert code(json.dumps({"action": "message", "text": "x" * 9000})) == "frame_too_large"
    assert code({"action": "resume", "conversation": "forged-token-forged-token-forged"}) == "invalid_conversation"
    # A well-signed token of a ticket that is not a chat (a web ticket) is refused the same way.
    web = api.call("POST", "/api/tickets", who="web@example.com", json={"subject": "s", "description": "d"})
    token = make_conversation_token(web.json_body["id"], env.container.chat_secret)
    assert code({"action": "resume", "conversation": token}) == "invalid_conversation"
    # ...and the socket still works.
    started = start(visitor)
    assert code({"action": "start", "name": "A", "text": "again"}) == "already_started"
    assert started["ticket_number"]


def test_a_signed_in_customer_starts_as_themselves_and_resumes_only_their_own(env, api):
    token = api.token("li.lei@example.com")
    mine = Visitor(env, "conn-customer")
    assert mine.connect(token=token) == 200
    (started, *_) = mine.send({"action": "start", "text": "怎么修改收货地址"})
    assert ticket_of(api, started["ticket_number"])["requester"]["email"] == "li.lei@example.com"

    someone = Visitor(env, "conn-someone")
    assert someone.connect(token=api.token("han.meimei@example.com")) == 200
    (refused,) = someone.send({"action": "resume", "conversation": started["conversation"]})
    assert refused["code"] == "invalid_conversation"

    assert Visitor(env, "conn-bad-token").connect(token="not-a-token") == 403


def test_a_site_that_is_not_allowed_cannot_connect(env):
    assert Visitor(env, "conn-elsewhere", origin="https://evil.example").connect() == 403
    assert env.container.chat_store.connection("conn-elsewhere") is None


def test_with_every_agent_offline_the_visitor_hears_so_and_the_ticket_is_created(env, api, visitor):
    agents, _ = env.container.directory_store.list_all()
    for agent in agents:
        env.container.directory_store.set_availability(agent.email, Availability.OFFLINE)
    frames = visitor.send({"action": "start", "name": "张三", "email": "z@example.com", "text": "晚上有人吗"})
    assert [f["type"] for f in frames] == ["started", "offline"]
    ticket = ticket_of(api, frames[0]["ticket_number"])
    assert ticket["channel"] == "chat" and ticket["status"] == "new"


def test_ending_a_chat_is_recorded_on_the_ticket(api, visitor):
    started = start(visitor)
    (ended,) = visitor.send({"action": "end"})
    assert ended == {"type": "ended"}
    events = api.call("GET", f"/api/tickets/{started['ticket_number']}/events", who=AGENT).json_body["items"]
    assert "chat.ended" in [e["type"] for e in events]


def test_too_many_frames_on_one_connection_are_refused(visitor):
    start(visitor)
    answers = [visitor.send({"action": "typing"}) for _ in range(25)]
    refused = [frames[0] for frames in answers if frames]
    assert refused and all(frame["code"] == "rate_limited" for frame in refused)
    assert len(refused) == 25 - (20 - 1)  # the start took one of the window's 20


def test_the_sample_events_are_what_the_function_takes(env, api):
    """events/chat_socket/*.json are what `sam local invoke ChatSocketFunction -e ...` is given."""
    frames: list[str] = []
    connection_id = sample("connect")["requestContext"]["connectionId"]
    assert lambda_handler(sample("connect"), LambdaContext("ChatSocketFunction")) == {"statusCode": 200}
    env.container.local_sockets.register(connection_id, frames.append)
    assert lambda_handler(sample("default"), LambdaContext("ChatSocketFunction")) == {"statusCode": 200}
    started = json.loads(frames[0])
    assert ticket_of(api, started["ticket_number"])["subject"] == "我的订单一直没有发货"
    assert lambda_handler(sample("disconnect"), LambdaContext("ChatSocketFunction")) == {"statusCode": 200}
    assert env.container.chat_store.connection(connection_id) is None


def test_the_management_api_reports_a_gone_connection(env):
    """On AWS, post_to_connection answers 410 GoneException for a closed socket."""
    from botocore.stub import Stubber

    from shared.adapters.chat_push import ManagementApiPush

    client = env.container.aws.session.create_client(
        "apigatewaymanagementapi", region_name="ap-southeast-1", endpoint_url="https://example.test/chat"
    )
    push = ManagementApiPush(lambda: client)
    with Stubber(client) as stub:
        stub.add_response("post_to_connection", {}, {"ConnectionId": "live", "Data": b'{"type":"typing"}'})
        stub.add_client_error("post_to_connection", "GoneException", http_status_code=410)
        push.post("live", '{"type":"typing"}')
        with pytest.raises(ConnectionGone):
            push.post("closed", '{"type":"typing"}')


def _mail_to(env: Any, address: str) -> list[str]:
    import email
    import email.policy

    mails = [email.message_from_string(item["raw"], policy=email.policy.default) for item in env.outbox.items()]
    return [m.get_body(("plain",)).get_content() for m in mails if address in str(m["To"])]  # type: ignore[union-attr]


def test_routing_and_a_staff_reply_reach_the_open_socket_and_nothing_is_mailed(env, api, visitor):
    started = start(visitor, text="账单金额不对，发票也开错了")
    env.pump().drain()
    # A supervisor hands the chat to an agent (routing rules do the same through the assignment function).
    ticket = ticket_of(api, started["ticket_number"])
    handed = api.call("PATCH", f"/api/tickets/{ticket['id']}", who=AGENT, json={"assignee": REPLIER})
    assert handed.status_code == 200, handed.json_body
    env.pump().drain()
    assert [f for f in visitor.frames if f["type"] == "assigned"] == [{"type": "assigned", "name": "王芳"}]
    replier = REPLIER
    reply = {"body": "您好，我来帮您核对账单"}
    response = api.call("POST", f"/api/tickets/{started['ticket_number']}/messages", who=replier, json=reply)
    assert response.status_code == 201
    env.pump().drain()
    (line,) = [f for f in visitor.frames if f["type"] == "message"]
    assert (line["from"], line["text"], line["id"]) == ("agent", "您好，我来帮您核对账单", response.json_body["id"])
    assert set(line) == {"type", "from", "name", "text", "at", "id"} and line["name"]
    # The visitor was answered on the socket: no acknowledgment and no reply by mail.
    assert _mail_to(env, "wang@example.com") == []


def test_a_staff_reply_to_a_visitor_who_is_gone_is_mailed_if_they_gave_an_address(env, api, visitor):
    started = start(visitor)
    anonymous = Visitor(env, "conn-anonymous")
    assert anonymous.connect() == 200
    quiet = start(anonymous, email=None, name="访客")
    env.pump().drain()
    visitor.close_socket()
    anonymous.disconnect()
    for number in (started["ticket_number"], quiet["ticket_number"]):
        reply = {"body": "已为您补发，请查收"}
        assert api.call("POST", f"/api/tickets/{number}/messages", who=AGENT, json=reply).status_code == 201
    env.pump().drain()
    (mailed,) = _mail_to(env, "wang@example.com")
    assert "已为您补发，请查收" in mailed
    assert _mail_to(env, "@chat.invalid") == []
    # The gone connection was deleted on the way.
    assert env.container.chat_store.connection(visitor.connection_id) is None


def test_ending_mails_the_transcript_once_to_a_visitor_who_gave_an_address(env, api, visitor):
    started = start(visitor)
    visitor.send({"action": "message", "text": "订单号 88", "id": "l-1"})
    number = started["ticket_number"]
    assert (
        api.call("POST", f"/api/tickets/{number}/messages", who=AGENT, json={"body": "已催仓库发货"}).status_code == 201
    )
    assert api.call("POST", f"/api/tickets/{number}/messages", who=AGENT, json={"body": "内部", "internal": True})
    env.pump().drain()
    visitor.send({"action": "end"})
    env.pump().drain()
    env.pump().drain()  # a second pass over the stream sends nothing again
    (transcript,) = _mail_to(env, "wang@example.com")
    assert "在线咨询记录" in transcript
    assert transcript.index("我的订单一直没有发货") < transcript.index("订单号 88") < transcript.index("已催仓库发货")
    assert "内部" not in transcript
    assert "2026-11-23 10:00" in transcript  # 02:00 UTC, in the tenant's time zone


def test_an_anonymous_visitors_transcript_goes_nowhere(env, visitor):
    start(visitor, email=None, name="访客")
    visitor.send({"action": "end"})
    env.pump().drain()
    assert env.outbox.items() == []


def test_a_fault_of_ours_is_told_to_the_visitor_and_raised_for_lambda_to_record(env, visitor, monkeypatch):
    started = start(visitor)
    assert started

    def unreachable(*_: object, **__: object) -> bool:
        raise RuntimeError("DynamoDB is unreachable")

    monkeypatch.setattr(env.container.chat_store, "line_claimed", unreachable)
    with pytest.raises(RuntimeError):
        handle(visitor.event({"action": "message", "text": "还在吗", "id": "l-9"}))
    assert visitor.frames[-1]["type"] == "error" and visitor.frames[-1]["code"] == "unavailable"


def test_the_console_watches_a_chat_live_lines_and_typing_both_ways(env, api, visitor):
    started = start(visitor, text="账单金额不对")
    number = started["ticket_number"]
    console = Visitor(env, "conn-console")
    assert console.connect(token=api.token(AGENT)) == 200
    (watching,) = console.send({"action": "watch", "ticket": number})
    ticket_id = ticket_of(api, number)["id"]
    assert watching == {"type": "watching", "ticket_id": ticket_id, "ticket_number": number}

    visitor.send({"action": "typing"})
    assert console.frames[-1] == {"type": "typing", "from": "visitor", "ticket_id": ticket_id}
    visitor.send({"action": "message", "text": "多扣了 20 元", "id": "v-1"})
    line = console.frames[-1]
    assert (line["type"], line["from"], line["text"], line["ticket_id"]) == (
        "message",
        "visitor",
        "多扣了 20 元",
        ticket_id,
    )
    assert line["id"] == messages_of(api, number)[-1]["id"]
    visitor.send({"action": "message", "text": "多扣了 20 元", "id": "v-1"})  # the same line again: shown once
    assert [f for f in console.frames if f["type"] == "message"] == [line]

    console.send({"action": "typing"})
    assert visitor.frames[-1] == {"type": "typing"}
    # A visitor's line never reaches another visitor's socket, and staff frames are not visitor frames.
    assert all(f.get("from") != "visitor" for f in visitor.frames)
    (refused,) = console.send({"action": "start", "name": "x", "text": "y"})
    assert refused["code"] == "unknown_action"


def test_the_console_watches_only_chats_its_staff_may_see(env, api, visitor):
    console = Visitor(env, "conn-console")
    assert console.connect(token=api.token(AGENT)) == 200
    web = api.call("POST", "/api/tickets", who="web@example.com", json={"subject": "s", "description": "d"})
    for ref in (web.json_body["number"], "GD20990101001", "0" * 32):
        (refused,) = console.send({"action": "watch", "ticket": ref})
        assert refused["code"] == "invalid_conversation"
    (refused,) = console.send({"action": "typing"})
    assert refused["code"] == "no_conversation"
    # A customer's connection cannot watch.
    (refused,) = visitor.send({"action": "watch", "ticket": web.json_body["number"]})
    assert refused["code"] == "unknown_action"


def test_an_agent_ends_the_chat_through_the_api(env, api, visitor):
    started = start(visitor)
    number = started["ticket_number"]
    ended = api.call("POST", f"/api/tickets/{number}/chat/end", who=AGENT)
    assert ended.status_code == 200, ended.json_body
    assert ended.json_body == {"ticket_id": ticket_of(api, number)["id"], "ticket_number": number, "pushed": 1}
    assert visitor.frames[-1] == {"type": "ended"}
    events = api.call("GET", f"/api/tickets/{number}/events", who=AGENT).json_body["items"]
    (chat_ended,) = [e for e in events if e["type"] == "chat.ended"]
    assert chat_ended["actor"]["email"] == AGENT
    env.pump().drain()
    assert len(_mail_to(env, "wang@example.com")) == 1  # the transcript
    web = api.call("POST", "/api/tickets", who="web@example.com", json={"subject": "s", "description": "d"})
    refused = api.call("POST", f"/api/tickets/{web.json_body['number']}/chat/end", who=AGENT)
    assert refused.status_code == 400 and refused.json_body["error"]["code"] == "validation_error"
    assert api.call("POST", f"/api/tickets/{number}/chat/end", who="someone@example.com").status_code == 404
    assert api.call("POST", f"/api/tickets/{number}/chat/end").status_code == 401


def test_the_online_first_response_target_applies_to_a_chat_as_to_a_web_ticket(env, api, visitor):
    started = start(visitor, text="紧急：支付系统宕机")
    chat = ticket_of(api, started["ticket_number"])
    body = {"subject": "紧急：支付系统宕机", "description": "紧急：支付系统宕机", "channel": "web"}
    web = api.call("POST", "/api/tickets", who=AGENT, json={**body, "requester": {"email": "w@example.com"}})
    assert web.status_code == 201, web.json_body
    assert chat["priority"] == web.json_body["priority"]
    assert chat["sla"] and chat["sla"] == web.json_body["sla"]  # the same clock, the same online policy
    # 紧急 (P1): the online first response within 10 minutes (seed 003), as policies say for the chat channel.
    urgent = api.call("PATCH", f"/api/tickets/{chat['id']}", who=AGENT, json={"priority": "P1"})
    assert urgent.status_code == 200, urgent.json_body
    assert urgent.json_body["sla"]["first_response_due_at"] == "2026-11-23T10:10:00+08:00"
