"""Reading raw MIME: the corpus, structure, attachments, and input that must never make the parser raise."""

from __future__ import annotations

import base64
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from shared.domain.mail.parsing import ParsedMail, parse_mail
from shared.domain.mail.problems import ProblemKind

CORPUS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
CORPUS = sorted(CORPUS_DIR.glob("*.eml"))
SES_ID = "<0100018f2b3c4d5e-6a7b8c9d-1e2f-3a4b-5c6d-7e8f9a0b1c2d-000000@email.amazonses.com>"
THREAD_ROOT = "<ticket-0f8e4c2a9b7d4e6f8a1b2c3d4e5f6a7b@demo.local>"
OUR_REPLY = "<reply-5d1c9e7a3b2f4a6c8e0d1f2a3b4c5d6e@demo.local>"


def corpus(name: str) -> ParsedMail:
    return parse_mail((CORPUS_DIR / name).read_bytes())


def kinds(parsed: ParsedMail) -> set[ProblemKind]:
    return {problem.kind for problem in parsed.problems}


def test_the_corpus_is_big_enough():
    assert len(CORPUS) >= 25


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_corpus_message_parses_with_a_subject_and_a_sender_or_a_problem(path: Path):
    parsed = parse_mail(path.read_bytes())
    assert isinstance(parsed, ParsedMail)
    assert parsed.subject or ProblemKind.MISSING_HEADER in kinds(parsed)
    assert parsed.sender is not None or kinds(parsed) & {ProblemKind.BROKEN_HEADER, ProblemKind.MISSING_HEADER}
    assert all(attachment.size == len(attachment.content) for attachment in parsed.attachments)
    if parsed.html is not None:
        assert "<script" not in parsed.html.lower()


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_messages_cut_short_or_corrupted_never_raise(path: Path):
    raw = path.read_bytes()
    rng = random.Random(path.name)
    for cut in sorted(
        {1, 17, len(raw) // 3, len(raw) // 2, len(raw) - 5, *(rng.randrange(len(raw)) for _ in range(6))}
    ):
        assert isinstance(parse_mail(raw[:cut]), ParsedMail)
    for _ in range(8):
        damaged = bytearray(raw)
        for _ in range(12):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        assert isinstance(parse_mail(bytes(damaged)), ParsedMail)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe",
        bytes(range(256)) * 4,
        b"\r\n\r\n\r\n",
        b"Subject",
        b"Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--\r\n",
        b"Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\n",
        b"From: <<<@@@>>>\r\nTo: ,,,;;;\r\nDate: Mon, 99 Foo 99999 99:99:99 +9999\r\n\r\nx",
        b"Subject: =?utf-8?B?####?= =?x?Q?=?= =??B??= =?utf-8*?B?5Lit?=\r\n\r\n",
        b'Content-Type: text/plain; charset="\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%%\r\n',
        b"Content-Type: text/html\r\n\r\n<scr<script>ipt>alert(1)</script><img src=x onerror=alert(1)>",
    ],
)
def test_hostile_input_never_raises(raw: bytes):
    parsed = parse_mail(raw)
    assert isinstance(parsed, ParsedMail)
    assert isinstance(parsed.subject, str) and isinstance(parsed.text, str)


def test_random_bytes_never_raise():
    rng = random.Random(20240501)
    for _ in range(200):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        assert isinstance(parse_mail(raw), ParsedMail)


def test_deeply_nested_multiparts_are_cut_off_with_a_problem():
    depth = 60
    head = "".join(
        f'--b{i}\r\nContent-Type: multipart/mixed; boundary="b{i + 1}"\r\n\r\n' for i in range(depth)
    ).encode()
    tail = "".join(f"--b{i}--\r\n" for i in reversed(range(depth + 1))).encode()
    raw = (
        b'Subject: deep\r\nFrom: a@example.com\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n'
        + head
        + f"--b{depth}\r\nContent-Type: text/plain\r\n\r\ndeep text\r\n".encode()
        + tail
    )
    parsed = parse_mail(raw)
    assert ProblemKind.TOO_DEEP in kinds(parsed)
    assert parsed.subject == "deep"


def test_forwarded_mail_inside_forwarded_mail_is_read_only_a_few_levels_deep():
    inner = b"Subject: level 9\r\nFrom: x@example.com\r\n\r\ninnermost\r\n"
    for level in range(8, -1, -1):
        inner = (
            f"Subject: level {level}\r\nFrom: x@example.com\r\nContent-Type: message/rfc822\r\n\r\n".encode() + inner
        )
    parsed = parse_mail(inner)
    assert parsed.subject == "level 0"
    depth, current = 0, parsed
    while current.embedded:
        current, depth = current.embedded[0], depth + 1
    assert (depth, current.subject) == (3, "level 3")
    assert ProblemKind.TOO_DEEP in kinds(current)  # recorded where it happened
    assert current.attachments[0].content_type == "message/rfc822"  # still offered as a file


def test_outlook_reply_headers():
    parsed = corpus("01_outlook_en_reply.eml")
    assert parsed.message_id == "<SG2PR06MB1234ABCD5678EF@SG2PR06MB1234.apcprd06.prod.outlook.com>"
    assert parsed.in_reply_to == SES_ID
    assert parsed.references == [THREAD_ROOT, OUR_REPLY, SES_ID]
    assert parsed.sender is not None
    assert (parsed.sender.email, parsed.sender.name) == ("wei.zhang@contoso.com", "Zhang, Wei")
    assert [(a.email, a.name) for a in parsed.to] == [("support@demo.local", "客服中心")]
    assert parsed.subject == "RE: [GD20240501001] Printer cannot connect to Wi-Fi"
    assert parsed.date == datetime(2024, 5, 2, 9, 15, 22, tzinfo=timezone(timedelta(hours=8)))
    assert parsed.header("thread-topic") == "[GD20240501001] Printer cannot connect to Wi-Fi"
    assert parsed.problems == []


def test_cc_and_decoded_names():
    parsed = corpus("07_gmail_zh_reply.eml")
    assert parsed.sender is not None and parsed.sender.name == "刘洋"
    assert [(a.email, a.name) for a in parsed.cc] == [("zhangsan@example.cn", "张三")]
    assert parsed.subject == "Re: [GD20240501005] 修改收货地址"


def test_nested_mixed_alternative_related():
    parsed = corpus("10_nested_related.eml")
    assert parsed.text == "请查收报价单，产品图见附件。\n\n谢谢"
    assert parsed.html is not None and 'src="cid:logo.png@01DA9C00.12345670"' in parsed.html
    logo, quote = parsed.attachments
    assert (logo.filename, logo.content_type, logo.inline) == ("logo.png", "image/png", True)
    assert logo.content.startswith(b"\x89PNG")
    assert logo.content_id == "logo.png@01DA9C00.12345670"
    assert parsed.inline_images == {"logo.png@01da9c00.12345670": logo}
    # RFC 2231 continuations win over the RFC 2047 `name=` fallback.
    assert (quote.filename, quote.content_type, quote.inline) == ("报价单（2024）.pdf", "application/pdf", False)
    assert quote.content.startswith(b"%PDF-1.4")
    assert parsed.files == [quote]
    assert parsed.problems == []


def test_attachment_file_names_in_every_encoding():
    parsed = corpus("11_attachment_names.eml")
    assert [a.filename for a in parsed.attachments] == [
        "喆堃报表.xls",  # RFC 2047 under gb2312 with GBK-only characters
        "发票（增值税）.pdf",  # RFC 2231 in gb18030
        "合同 final.docx",  # raw UTF-8 bytes in the header
        "详细说明.txt",  # RFC 2047 split into two words
        "evil.exe",  # no directories, whatever the sender wrote
    ]
    assert parsed.attachments[0].content == b"xls-bytes"
    assert parsed.text == "请查收三个附件。"


def test_an_inline_image_the_html_does_not_show_is_listed_as_a_file():
    parsed = corpus("09_iphone_en_photo.eml")
    (photo,) = parsed.attachments
    assert (photo.filename, photo.content_type, photo.inline) == ("IMG_0001.jpg", "image/jpeg", False)
    assert parsed.files == [photo] and parsed.inline_images == {}
    # format=flowed; delsp=yes: the soft break is joined; text parts around the photo are kept in order.
    assert parsed.text == (
        "Here is a photo of the error. It appears every time I open the app after the update.\n\nSent from my iPhone"
    )


def test_html_only_mail_gets_a_text_version_and_its_cid_image_is_inline():
    parsed = corpus("28_html_only_script.eml")
    assert parsed.text_from_html
    assert parsed.text.startswith("Dear support, please check this link and my order.")
    assert "alert" not in parsed.text and "document.cookie" not in parsed.text
    (banner,) = parsed.attachments
    assert banner.inline and banner.content_id == "banner@shop.example.com"
    assert banner.filename == "attachment-1.gif"


def test_a_forwarded_message_is_an_attachment_and_is_read_as_mail():
    parsed = corpus("29_forward_rfc822.eml")
    assert parsed.text == "请看下面转发的客户投诉。"
    (eml,) = parsed.attachments
    assert eml.content_type == "message/rfc822"
    assert eml.filename == "投诉：喆堃门店服务态度.eml"
    (forwarded,) = parsed.embedded
    assert forwarded.subject == "投诉：喆堃门店服务态度"
    assert forwarded.sender is not None and (forwarded.sender.email, forwarded.sender.name) == (
        "liuqiang@example.cn",
        "刘强",
    )
    assert forwarded.message_id == "<original-complaint-1@example.cn>"
    assert forwarded.text == "门店店员态度很差，请处理。"


def test_broken_headers_become_problems_and_the_rest_is_read():
    parsed = corpus("18_broken_headers.eml")
    assert parsed.sender is None
    assert parsed.date is None
    assert parsed.message_id == "<no-brackets-id@example.com>"
    assert [a.email for a in parsed.to] == ["support@demo.local", "zhangsan@example.cn"]
    assert parsed.subject == "请回复broken=ZZ中文"
    assert "正文还在。" in parsed.text
    details = " | ".join(str(problem) for problem in parsed.problems)
    assert "From" in details and "Date" in details and "bogus-charset" in details
    assert {ProblemKind.BROKEN_HEADER, ProblemKind.UNKNOWN_CHARSET} <= kinds(parsed)


def test_a_multipart_without_a_boundary_parameter_is_read_with_the_one_in_the_body():
    parsed = corpus("19_missing_boundary.eml")
    assert parsed.text == "See the attached log."
    (log,) = parsed.attachments
    assert (log.filename, log.content) == ("error.log", b"ERROR 42: connection refused\n")
    assert ProblemKind.MISSING_BOUNDARY in kinds(parsed)


def test_a_multipart_whose_declared_boundary_is_never_used():
    parsed = corpus("20_wrong_boundary.eml")
    assert parsed.text == "边界参数和正文里的不一致。"
    assert parsed.html == "<p>边界参数和正文里的不一致。</p>"
    assert ProblemKind.MISSING_BOUNDARY in kinds(parsed)


def test_a_multipart_with_no_boundary_at_all_is_read_as_text():
    parsed = parse_mail(b"Subject: s\r\nFrom: a@example.com\r\nContent-Type: multipart/mixed\r\n\r\njust text\r\n")
    assert parsed.text == "just text"
    assert ProblemKind.MISSING_BOUNDARY in kinds(parsed)


def test_truncated_base64_keeps_what_arrived():
    parsed = corpus("21_truncated_base64.eml")
    assert parsed.text == "附件是合同扫描件。"
    (pdf,) = parsed.attachments
    assert pdf.filename == "contract.pdf"
    assert pdf.content.startswith(b"%PDF-1.4") and 0 < pdf.size < 4 * 616
    assert {ProblemKind.BROKEN_ENCODING, ProblemKind.BROKEN_STRUCTURE} <= kinds(parsed)


def test_a_dsn_keeps_its_status_fields_and_the_returned_original():
    parsed = corpus("22_dsn_bounce.eml")
    assert parsed.content_type == "multipart/report"
    assert parsed.report_type == "delivery-status"
    recipient_block = parsed.delivery_status[1]
    assert recipient_block["final-recipient"] == "rfc822; nobody@example.cn"
    assert recipient_block["action"] == "failed"
    assert recipient_block["status"] == "5.1.1"
    (original,) = parsed.embedded
    assert original.message_id == OUR_REPLY
    assert original.subject == "[GD20240501001] 您的工单已受理"


def test_headers_only_and_empty_messages():
    parsed = corpus("32_empty_body.eml")
    assert parsed.subject == "(no text)" and parsed.text == "" and parsed.html is None
    missing = parse_mail(b"From: a@example.com\r\n\r\nhello\r\n")
    assert missing.subject == "" and ProblemKind.MISSING_HEADER in kinds(missing)
    assert missing.text == "hello"


def test_missing_from_falls_back_to_sender_with_a_problem():
    parsed = parse_mail(b"Sender: Robot <Robot@Example.com>\r\nSubject: s\r\n\r\nx")
    assert parsed.sender is not None and parsed.sender.email == "robot@example.com"
    assert ProblemKind.MISSING_HEADER in kinds(parsed)


def test_a_date_without_a_zone_is_read_as_utc():
    parsed = parse_mail(b"From: a@example.com\r\nSubject: s\r\nDate: Wed, 1 May 2024 10:00:00 -0000\r\n\r\nx")
    assert parsed.date == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def test_automation_headers_are_collected():
    parsed = corpus("27_mailing_list.eml")
    assert parsed.automation["list-id"] == "Cloud Weekly <weekly.news.example.com>"
    assert parsed.automation["precedence"] == "list"
    assert "list-unsubscribe" in parsed.automation
    assert "auto-submitted" not in parsed.automation


def test_unknown_transfer_encoding_is_read_as_is_with_a_problem():
    parsed = parse_mail(
        b"From: a@example.com\r\nSubject: s\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: x-gzip64\r\n\r\nplain words\r\n"
    )
    assert parsed.text == "plain words"
    assert ProblemKind.BROKEN_ENCODING in kinds(parsed)


def test_text_parts_with_a_file_name_are_attachments_not_the_body():
    parsed = parse_mail(
        b'From: a@example.com\r\nSubject: s\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n'
        b"--x\r\nContent-Type: text/plain\r\n\r\nthe body\r\n"
        b"--x\r\nContent-Type: text/plain; name=notes.txt\r\nContent-Disposition: inline; filename=notes.txt\r\n\r\n"
        b"notes\r\n--x--\r\n"
    )
    assert parsed.text == "the body"
    assert [(a.filename, a.content) for a in parsed.attachments] == [("notes.txt", b"notes")]


def test_a_content_type_missing_its_semicolon_keeps_type_and_charset():
    parsed = parse_mail(
        b"From: a@example.com\r\nSubject: s\r\nContent-Type: text/html charset=gbk\r\n\r\n" + "<p>喆</p>".encode("gbk")
    )
    assert parsed.html == "<p>喆</p>"
    assert ProblemKind.BROKEN_HEADER in kinds(parsed)


def test_a_base64_encoded_forwarded_message_is_decoded():
    inner = "From: 张三 <zs@example.cn>\r\nSubject: 原邮件\r\n\r\n正文\r\n".encode()
    encoded = base64.encodebytes(inner)
    parsed = parse_mail(
        b'From: a@example.com\r\nSubject: fwd\r\nContent-Type: multipart/mixed; boundary="f"\r\n\r\n'
        b"--f\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n" + encoded + b"--f--\r\n"
    )
    (forwarded,) = parsed.embedded
    assert (forwarded.subject, forwarded.text) == ("原邮件", "正文")
    assert parsed.attachments[0].filename == "原邮件.eml"


def test_a_large_attachment_is_kept_whole():
    payload = bytes(range(256)) * 4096  # 1 MiB
    raw = (
        b'From: a@example.com\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n'
        b"--x\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(payload)
        + b"--x--\r\n"
    )
    (attachment,) = parse_mail(raw).attachments
    assert attachment.content == payload and attachment.filename == "attachment-1.bin"
