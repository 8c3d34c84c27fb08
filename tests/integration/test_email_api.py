"""The email fields of the API and the attachment / raw downloads: staff see raw, the requester their attachments,
anyone else a 404."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
import requests

from tests.integration.mail_support import Mailroom

ALICE = "alice@example.com"
AGENT = "wangfang@demo.local"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def room(env: Any) -> Mailroom:
    return Mailroom(env)


def _rich_mail() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Alice <alice@example.com>"
    message["To"] = "support@demo.local"
    message["Cc"] = "bob@example.com"
    message["Subject"] = "截图和报价单"
    message["Message-ID"] = "<rich@example.com>"
    message.set_content("请看截图。\n\n在 2026年11月20日 周五 10:00，客服 <support@demo.local> 写道：\n> 请提供截图")
    message.add_alternative(
        '<p>请看截图：<img src="cid:shot@example.com"></p><script>alert(1)</script>'
        '<div class="gmail_quote">在 2026年11月20日 写道：<blockquote>请提供截图</blockquote></div>',
        subtype="html",
    )
    message.get_payload()[1].add_related(PNG, "image", "png", cid="<shot@example.com>", filename="shot.png")
    message.add_attachment("报价".encode(), maintype="application", subtype="pdf", filename="报价单.pdf")
    return message


RICH = _rich_mail().as_bytes()


def _delivered(api: Any, room: Mailroom) -> tuple[str, dict[str, Any]]:
    result = room.deliver(RICH)
    (message,) = api.call("GET", f"/api/tickets/{result['ticket_id']}/messages", AGENT).json_body["items"]
    return result["ticket_id"], message


def test_message_out_has_sanitized_html_folded_quote_attachments_and_ccs(api, room):
    _, message = _delivered(api, room)
    assert message["channel"] == "email" and message["has_raw"] is True
    assert "<script" not in message["html"]
    assert "cid:" not in message["html"]  # the inline image points at a URL an <img> can load
    assert "请提供截图" not in message["html"]
    assert "请提供截图" in message["quoted_text"]
    assert message["body"].startswith("请看截图")
    assert message["cc"] == ["bob@example.com"]
    files = {a["filename"]: a for a in message["attachments"]}
    assert files["shot.png"]["inline"] is True and files["报价单.pdf"]["inline"] is False
    assert files["报价单.pdf"]["content_type"] == "application/pdf"


def test_the_inline_image_url_serves_the_image(api, room):
    _, message = _delivered(api, room)
    url = message["html"].split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert requests.get(url, timeout=10).content == PNG


def test_the_requester_downloads_an_attachment(api, room):
    ticket_id, message = _delivered(api, room)
    pdf = next(a for a in message["attachments"] if a["filename"] == "报价单.pdf")
    path = f"/api/tickets/{ticket_id}/messages/{message['id']}/attachments/{pdf['id']}"
    link = api.call("GET", path, ALICE)
    assert link.status_code == 200
    body = link.json_body
    assert (body["filename"], body["content_type"], body["size"]) == (
        "报价单.pdf",
        "application/pdf",
        len("报价".encode()),
    )
    assert body["expires_at"]
    assert requests.get(body["url"], timeout=10).content == "报价".encode()


def test_others_get_404_for_attachments_and_raw(api, room):
    ticket_id, message = _delivered(api, room)
    attachment = message["attachments"][0]["id"]
    base = f"/api/tickets/{ticket_id}/messages/{message['id']}"
    assert api.call("GET", f"{base}/attachments/{attachment}", "mallory@example.com").status_code == 404
    assert api.call("GET", f"{base}/raw", "mallory@example.com").status_code == 404
    assert api.call("GET", f"{base}/raw", ALICE).status_code == 404  # raw MIME is for staff
    assert api.call("GET", f"{base}/attachments/nope", AGENT).status_code == 404
    assert api.call("GET", f"/api/tickets/{ticket_id}/messages/nope/raw", AGENT).status_code == 404
    response = api.call("GET", f"{base}/attachments/nope", AGENT)
    assert response.json_body["error"]["code"] == "not_found"


def test_staff_download_the_raw_message(api, room):
    ticket_id, message = _delivered(api, room)
    link = api.call("GET", f"/api/tickets/{ticket_id}/messages/{message['id']}/raw", AGENT)
    assert link.status_code == 200
    assert requests.get(link.json_body["url"], timeout=10).content == RICH


def test_web_tickets_have_the_email_fields_empty(api):
    ticket = api.call("POST", "/api/tickets", ALICE, {"subject": "s", "description": "d"}).json_body
    assert ticket["cc"] == []
    api.call("POST", f"/api/tickets/{ticket['id']}/messages", ALICE, {"body": "hi"})
    (message,) = api.call("GET", f"/api/tickets/{ticket['id']}/messages", ALICE).json_body["items"]
    assert (message["channel"], message["html"], message["quoted_text"]) == ("web", None, None)
    assert (message["attachments"], message["cc"], message["has_raw"]) == ([], [], False)


def test_supervisors_list_the_days_rejections_with_the_raw_message(api, room):
    from tests.integration.mail_support import CORPUS

    raw = (CORPUS / "27_mailing_list.eml").read_bytes()
    assert room.deliver(raw)["outcome"] == "rejected"
    listed = api.call("GET", "/api/mail/rejections?day=2026-11-23", "lead@demo.local")
    assert listed.status_code == 200
    (item,) = listed.json_body["items"]
    assert item["reason"] == "automatic:precedence" and item["raw_key"].startswith("inbound/")
    assert requests.get(item["raw_url"], timeout=10).content == raw
    assert api.call("GET", "/api/mail/rejections", "lead@demo.local").json_body["items"] == listed.json_body["items"]
    assert api.call("GET", "/api/mail/rejections?day=2026-11-22", "lead@demo.local").json_body["items"] == []
    assert api.call("GET", "/api/mail/rejections", AGENT).status_code == 403
    assert api.call("GET", "/api/mail/rejections", ALICE).status_code == 403
    assert api.call("GET", "/api/mail/rejections?day=yesterday", "lead@demo.local").status_code == 400


def test_attachments_download_as_files_and_inline_images_show_as_images(api, room):
    ticket_id, message = _delivered(api, room)
    pdf = next(a for a in message["attachments"] if a["filename"] == "报价单.pdf")
    link = api.call("GET", f"/api/tickets/{ticket_id}/messages/{message['id']}/attachments/{pdf['id']}", ALICE)
    download = requests.get(link.json_body["url"], timeout=10)
    assert download.headers["Content-Disposition"].startswith("attachment;")
    image = message["html"].split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    shown = requests.get(image, timeout=10)
    assert shown.headers["Content-Type"] == "image/png"
    assert shown.headers["Content-Disposition"].startswith("inline;")
