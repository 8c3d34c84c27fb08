"""The chat protocol: JSON text frames, one object each (docs/chat.md, "The protocol").

`parse_frame` turns a visitor's frame into one of the actions below or raises `FrameError`, whose code and message
become an error frame: bad input is answered, never met with a dropped socket. The server's frames are built by the
functions at the end, so their shapes are written once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.domain.mail.addresses import normalize_address

MAX_FRAME_BYTES = 8 * 1024
MAX_TEXT_CHARS = 4000
MAX_NAME_CHARS = 100
MAX_LINE_ID_CHARS = 64
MAX_TOKEN_CHARS = 200
_LINE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class FrameError(ValueError):
    """A frame the server refuses; `code` and `message` go back to the visitor as an error frame."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Start:
    name: str
    email: str | None
    text: str


@dataclass(frozen=True)
class Resume:
    conversation: str


@dataclass(frozen=True)
class Line:
    text: str
    id: str | None = None


@dataclass(frozen=True)
class Typing:
    pass


@dataclass(frozen=True)
class End:
    pass


@dataclass(frozen=True)
class Watch:
    """Staff only: the console follows a chat ticket's live lines and typing (and its typing reaches the visitor)."""

    ticket: str


Frame = Start | Resume | Line | Typing | End | Watch
STAFF_ACTIONS = "watch or typing"


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FrameError("invalid_text", "text must be a non-empty string")
    if len(value) > MAX_TEXT_CHARS:
        raise FrameError("invalid_text", f"text is longer than {MAX_TEXT_CHARS} characters")
    return value.strip()


def _name(value: Any, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME_CHARS:
        raise FrameError("invalid_name", f"name must be 1 to {MAX_NAME_CHARS} characters")
    return " ".join(value.split())


def _email(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FrameError("invalid_email", "email is not an address")
    try:
        address = normalize_address(value.strip())
    except ValueError as error:
        raise FrameError("invalid_email", str(error)) from None
    if address.endswith(".invalid"):  # the stand-ins of visitors and followers without an address are not theirs
        raise FrameError("invalid_email", "email is not an address")
    return address


def parse_frame(body: str | bytes | None, signed_in: bool = False, staff: bool = False) -> Frame:
    """One frame. `signed_in`: the connection carries a customer's token, so `start` needs no name. `staff`: the
    console's connection, which watches tickets and types; its lines go through the API as every reply does."""
    raw = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    if len(raw) > MAX_FRAME_BYTES:
        raise FrameError("frame_too_large", f"frames are at most {MAX_FRAME_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise FrameError("invalid_frame", "a frame is one JSON object") from None
    if not isinstance(data, dict):
        raise FrameError("invalid_frame", "a frame is one JSON object")
    action = data.get("action")
    if staff:
        return _staff_frame(action, data)
    if action == "start":
        return Start(_name(data.get("name"), not signed_in), _email(data.get("email")), _text(data.get("text")))
    if action == "resume":
        token = data.get("conversation")
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            raise FrameError("invalid_conversation", "conversation must be the token given when the chat started")
        return Resume(token)
    if action == "message":
        line_id = data.get("id")
        if line_id is not None and (not isinstance(line_id, str) or not _LINE_ID.match(line_id)):
            raise FrameError("invalid_frame", "id must be 1 to 64 letters, digits or _.:-")
        return Line(_text(data.get("text")), line_id)
    if action == "typing":
        return Typing()
    if action == "end":
        return End()
    raise FrameError("unknown_action", "action must be start, resume, message, typing or end")


def _staff_frame(action: Any, data: dict[str, Any]) -> Frame:
    if action == "watch":
        ticket = data.get("ticket")
        if not isinstance(ticket, str) or not 1 <= len(ticket) <= 64:
            raise FrameError("invalid_frame", "ticket must be a ticket's id or number")
        return Watch(ticket)
    if action == "typing":
        return Typing()
    raise FrameError("unknown_action", f"action must be {STAFF_ACTIONS}")


# -- server -> visitor ---------------------------------------------------------------------------------------------
def started(conversation: str, ticket_number: str) -> dict[str, Any]:
    return {"type": "started", "conversation": conversation, "ticket_number": ticket_number}


def resumed(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "resumed", "messages": messages}


def line(sender: str, name: str, text: str, at: datetime) -> dict[str, Any]:
    """A line as the visitor sees it; `sender` is `agent` or `visitor` (the latter only in `resumed`)."""
    return {"type": "message", "from": sender, "name": name, "text": text, "at": at.isoformat()}


def queue(position: int) -> dict[str, Any]:
    return {"type": "queue", "position": position}


def assigned(name: str) -> dict[str, Any]:
    return {"type": "assigned", "name": name}


def typing() -> dict[str, Any]:
    return {"type": "typing"}


def offline() -> dict[str, Any]:
    return {"type": "offline"}


def ended() -> dict[str, Any]:
    return {"type": "ended"}


def watching(ticket_id: str, number: str) -> dict[str, Any]:
    return {"type": "watching", "ticket_id": ticket_id, "ticket_number": number}


def visitor_line(ticket_id: str, message_id: str, name: str, text: str, at: datetime) -> dict[str, Any]:
    """A visitor's line as the console sees it."""
    return {**line("visitor", name, text, at), "id": message_id, "ticket_id": ticket_id}


def visitor_typing(ticket_id: str) -> dict[str, Any]:
    return {"type": "typing", "from": "visitor", "ticket_id": ticket_id}


def error(code: str, message: str) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message}


def encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
