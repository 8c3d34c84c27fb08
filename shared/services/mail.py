"""Composing the product's outgoing mail: multipart text + HTML from zh-CN / English templates."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from functools import cached_property
from pathlib import Path
from typing import Any

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LANGUAGES = ("zh-CN", "en")


class MailComposer:
    """Renders templates/<language>/<kind>.{subject,txt,html}; jinja2 is imported only when mail is sent."""

    def __init__(self, support_address: str, public_url: str) -> None:
        self._support = support_address
        self._public_url = public_url.rstrip("/")

    @cached_property
    def _env(self) -> Any:
        import jinja2

        return jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
            autoescape=jinja2.select_autoescape(["html"]),
            keep_trailing_newline=False,
        )

    @property
    def sender(self) -> str:
        return self._support

    @property
    def domain(self) -> str:
        return self._support.rsplit("@", 1)[-1]

    def render(self, template: str, language: str, context: dict[str, Any]) -> str:
        """One template alone (the WeChat channel's texts: templates/<language>/wechat/<kind>.txt)."""
        language = language if language in LANGUAGES else LANGUAGES[0]
        values = {**context, "portal_url": self._public_url, "support_address": self._support}
        return self._env.get_template(f"{language}/{template}").render(values).strip()

    def compose(
        self,
        kind: str,
        language: str,
        to: str,
        context: dict[str, Any],
        message_id: str,
        automatic: bool,
        references: list[str] | None = None,
        reply_to: str | None = None,
        in_reply_to: str | None = None,
        cc: list[str] | None = None,
        auto_submitted: str = "auto-replied",
    ) -> EmailMessage:
        language = language if language in LANGUAGES else LANGUAGES[0]
        values = {**context, "portal_url": self._public_url, "support_address": self._support}
        subject = self._env.get_template(f"{language}/{kind}.subject").render(values).strip()
        text = self._env.get_template(f"{language}/{kind}.txt").render(values)
        html = self._env.get_template(f"{language}/{kind}.html").render(values)
        mail = EmailMessage()
        mail["Subject"] = subject
        mail["From"] = formataddr(("客服中心" if language == "zh-CN" else "Support", self._support))
        mail["To"] = to
        if cc:
            mail["Cc"] = ", ".join(cc)
        if reply_to:
            # A signed reply address: the answer threads by its token alone (shared/domain/mail/threads.py).
            mail["Reply-To"] = reply_to
        if in_reply_to:
            mail["In-Reply-To"] = in_reply_to
        mail["Message-ID"] = message_id
        mail["Date"] = format_datetime(context["now"])
        # SES rewrites Message-ID, so our own id travels in References too, for threading replies.
        mail["References"] = " ".join([*(references or []), message_id])
        mail["X-Loop"] = self._support
        if "ticket" in context:
            mail["X-Helpdesk-Ticket"] = context["ticket"]["number"]
        if automatic:
            mail["Auto-Submitted"] = auto_submitted
            mail["X-Auto-Response-Suppress"] = "All"
        mail.set_content(text)
        mail.add_alternative(html, subtype="html")
        return mail
