"""Quoted history and signatures are folded for display, for each client's style; never the whole body."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.domain.mail.parsing import ParsedMail, parse_mail
from shared.domain.mail.quoting import FoldReason, fold_html, fold_text
from shared.domain.mail.sanitize import sanitize_html

CORPUS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "mail"


def corpus(name: str) -> ParsedMail:
    return parse_mail((CORPUS_DIR / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "visible", "folded_starts", "reason"),
    [
        (
            "01_outlook_en_reply.eml",
            "Hi,\n\nI restarted the printer as suggested and it works now. Thanks!\n\nBest regards,\nWei Zhang",
            "________________________________\nFrom: Support <support@demo.local>",
            FoldReason.HEADER_BLOCK,
        ),
        (
            "02_outlook_zh_reply.eml",
            "您好，\n\n打印机已经可以正常使用了，谢谢！\n\n王喆",
            "发件人: 客服中心 <support@demo.local>\n发送时间:",
            FoldReason.HEADER_BLOCK,
        ),
        (
            "03_foxmail_reply.eml",
            "您好，发票抬头已经更新，谢谢！\n\n李堃",
            "发件人： 客服中心\n发送时间：",
            FoldReason.HEADER_BLOCK,
        ),
        (
            "04_qq_reply.eml",
            "好的，我明天再试一下。",
            "------------------\xa0原始邮件\xa0------------------\n发件人:",
            FoldReason.SEPARATOR,
        ),
        (
            "05_netease_reply.eml",
            "已经收到退款，谢谢。",
            '在 2024-05-01 18:00:00，"客服中心" <support@demo.local> 写道：\n>您好',
            FoldReason.ATTRIBUTION,
        ),
        (
            "06_gmail_en_reply.eml",
            "Thanks, that fixed it.",
            "On Wed, May 1, 2024 at 6:00 PM 客服中心 <support@demo.local>\nwrote:",
            FoldReason.ATTRIBUTION,
        ),
        (
            "07_gmail_zh_reply.eml",
            "收到，谢谢！",
            "客服中心 <support@demo.local> 于2024年5月1日周三 18:00写道：",
            FoldReason.ATTRIBUTION,
        ),
        ("08_iphone_zh_reply.eml", "好的，收到", "发自我的iPhone\n\n> 在 2024年5月1日", FoldReason.SIGNATURE),
        (
            "09_iphone_en_photo.eml",
            "Here is a photo of the error. It appears every time I open the app after the update.",
            "Sent from my iPhone",
            FoldReason.SIGNATURE,
        ),
    ],
)
def test_text_replies_from_each_client(name: str, visible: str, folded_starts: str, reason: FoldReason):
    folded = fold_text(corpus(name).text)
    assert folded.visible == visible
    assert folded.folded.startswith(folded_starts)
    assert folded.reason is reason
    assert folded.has_folded


@pytest.mark.parametrize(
    ("name", "new", "old"),
    [
        ("01_outlook_en_reply.eml", "I restarted the printer", "Dear customer, please restart"),
        ("02_outlook_zh_reply.eml", "打印机已经可以正常使用了", "请重启打印机后再试"),
        ("03_foxmail_reply.eml", "发票抬头已经更新", "请提供新的发票抬头"),
        ("04_qq_reply.eml", "我明天再试一下", "请尝试重置密码"),
        ("05_netease_reply.eml", "已经收到退款", "您的退款已处理"),
        ("06_gmail_en_reply.eml", "Thanks, that fixed it.", "Dear customer, please restart"),
        ("07_gmail_zh_reply.eml", "收到，谢谢！", "您的工单已处理"),
        ("08_iphone_zh_reply.eml", "好的，收到", "工单已处理"),
    ],
)
def test_html_replies_from_each_client(name: str, new: str, old: str):
    html = corpus(name).html
    assert html is not None
    folded = fold_html(html)
    assert new in folded.visible and old not in folded.visible
    assert old in folded.folded
    # Each half is still well-formed, safe HTML: sanitizing it again changes nothing that matters.
    assert "<script" not in folded.folded and sanitize_html(folded.visible).count("<div") == folded.visible.count(
        "<div"
    )


def test_original_message_separators():
    text = "Please see below.\n\n-----Original Message-----\nFrom: a\nold text"
    assert fold_text(text).visible == "Please see below."
    assert fold_text(text).reason is FoldReason.SEPARATOR
    chinese = "好的。\n\n-----原始邮件-----\n发件人: 客服\n旧内容"
    assert fold_text(chinese).visible == "好的。"
    outlook_express = "ok\n----- Original Message ----- \nFrom: x"
    assert fold_text(outlook_express).visible == "ok"


def test_quoted_lines_at_the_bottom_without_an_attribution():
    folded = fold_text("New answer.\n\n> old line one\n> old line two\n")
    assert (folded.visible, folded.reason) == ("New answer.", FoldReason.QUOTED_LINES)
    assert folded.folded.startswith("> old line one")


def test_an_inline_reply_between_quotes_stays_visible():
    text = (
        "On Wed, May 1, 2024 at 6:00 PM Support <support@demo.local> wrote:\n"
        "> What is your order number?\n"
        "It is 12345.\n"
        "> And the address?\n"
        "Beijing.\n"
    )
    assert fold_text(text).visible == text


def test_signatures():
    assert fold_text("Thanks\n-- \nWei Zhang\nContoso Ltd.").visible == "Thanks"
    assert fold_text("谢谢\n--\n王喆 | 销售部").visible == "谢谢"
    assert fold_text("收到\n\n发自我的 iPhone").visible == "收到"
    assert fold_text("收到\n\n发自我的华为手机").visible == "收到"
    assert fold_text("OK\n\nSent from my Galaxy").visible == "OK"
    assert fold_text("好\n\n发自网易邮箱大师").visible == "好"
    assert fold_text("OK\n\nGet Outlook for iOS").visible == "OK"


def test_never_fold_everything():
    only_quotes = "> quoted one\n> quoted two"
    assert fold_text(only_quotes).visible == only_quotes and not fold_text(only_quotes).has_folded
    only_signature = "发自我的iPhone"
    assert fold_text(only_signature).visible == only_signature
    only_history = "-----Original Message-----\nFrom: a\nSent: b\nTo: c\nSubject: d\n\nbody"
    assert fold_text(only_history).visible == only_history
    html = '<div class="gmail_quote">everything is quoted</div>'
    assert fold_html(html).visible == html and not fold_html(html).has_folded


def test_forwarded_mail_stays_visible():
    text = (
        "FYI, the customer's complaint:\n\n"
        "---------- Forwarded message ---------\n"
        "From: 刘强 <liuqiang@example.cn>\n"
        "Date: Tue, Apr 30, 2024 at 8:00 PM\n"
        "Subject: 投诉\n"
        "To: sales@example.cn\n\n"
        "门店店员态度很差。"
    )
    assert fold_text(text).visible == text


def test_sentences_that_only_look_like_markers_are_not_folded():
    text = "客户在信中写道：\n我们的产品很好用。\nOn the other hand, nothing was written.\n"
    assert not fold_text(text).has_folded
    prose = "From: the start, we said it.\nSent: nothing.\n"
    assert not fold_text(prose).has_folded


def test_a_wrapped_attribution_does_not_take_the_line_above_it():
    text = "好的\n在 2024年5月1日 18:00，客服中心 <support@demo.local>\n写道：\n> 旧内容"
    folded = fold_text(text)
    assert folded.visible == "好的"
    assert folded.folded.startswith("在 2024年5月1日")


def test_traditional_chinese_outlook_header_block():
    text = "已收到\n\n寄件者: 客服中心 <support@demo.local>\n寄件日期: 2024年5月1日 18:00\n"
    text += "收件者: 陳大文\n主旨: 查詢\n\n舊內容"
    assert fold_text(text).visible == "已收到"


def test_html_inline_answers_between_quotes_stay_visible():
    html = (
        '<div>See answers inline.</div><blockquote type="cite">Order number?</blockquote>'
        '<div>12345</div><blockquote type="cite">Address?</blockquote><div>Beijing</div>'
    )
    folded = fold_html(html)
    assert "12345" in folded.visible and "Beijing" in folded.visible


def test_html_attribution_text_before_a_quote_is_folded_with_it():
    html = (
        "Thanks!<br><br>On Wed, May 1, 2024 at 6:00 PM Support &lt;support@demo.local&gt; wrote:<br>"
        '<blockquote type="cite">old</blockquote>'
    )
    folded = fold_html(html)
    assert folded.visible == "Thanks!"
    assert folded.folded.startswith("<br><br>On Wed, May 1, 2024")
    assert "old" in folded.folded


def test_html_signature_divs_are_folded():
    folded = fold_html('<div>Done.</div><div id="mail-Signature"><p>Wei Zhang</p></div>')
    assert (folded.visible, folded.reason) == ("<div>Done.</div>", FoldReason.QUOTE_CONTAINER)


def test_long_threads_fold_in_linear_time():
    text = "new answer\n\nOn Mon, Apr 1, 2024 at 9:00 AM A <a@example.com> wrote:\n" + "> old\n" * 50_000
    folded = fold_text(text)
    assert folded.visible == "new answer" and folded.folded.count("> old") == 50_000


def test_absurdly_nested_html_does_not_break_folding():
    html = "<div>" * 5_000 + "new" + "</div>" * 5_000 + '<blockquote type="cite">old</blockquote>'
    folded = fold_html(html)
    assert "new" in folded.visible and "old" in folded.folded
