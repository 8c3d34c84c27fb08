"""HTML from mail is made safe before anyone sees it; inline cid: images keep working."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.domain.mail.parsing import parse_mail
from shared.domain.mail.sanitize import (
    html_to_text,
    normalize_cid,
    referenced_cids,
    resolve_cid_images,
    sanitize_html,
)

CORPUS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "mail"


def test_the_hostile_corpus_message_is_defused():
    parsed = parse_mail((CORPUS_DIR / "28_html_only_script.eml").read_bytes())
    html = parsed.html
    assert html is not None
    lowered = html.lower()
    for forbidden in (
        "<script",
        "document.cookie",
        "<style",
        "onload",
        "onclick",
        "onerror",
        "onmouseover",
        "javascript:",
        "<iframe",
        "<form",
        "<input",
        "tracker.example",
        "evil.example",
        "data:text/html",
        "position:fixed",
    ):
        assert forbidden not in lowered, forbidden
    assert '<img src="cid:banner@shop.example.com" alt="banner">' in html
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in html
    assert '<a href="https://shop.example.com/order/123" target="_blank" rel="noopener noreferrer">my order</a>' in html
    assert "<b>please check</b>" in html


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript"),
        ('<a href="&#106;avascript:alert(1)">x</a>', "alert"),
        ('<a href=" javascript:alert(1)">x</a>', "alert"),
        ('<img src="javascript:alert(1)">', "alert"),
        ("<svg><script>alert(1)</script></svg>", "alert"),
        ('<math><mtext><img src=x onerror="alert(1)"></mtext></math>', "onerror"),
        ("<style>body{display:none}</style>text", "display"),
        ('<p style="background:url(https://t.example/x)">x</p>', "t.example"),
        ('<div onmouseover="x()">x</div>', "onmouseover"),
        ('<object data="x.swf"></object><embed src="x.swf">', "swf"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "evil"),
        ('<base href="https://evil.example/">', "evil"),
        ('<a href="cid:part@x">x</a>', "cid:"),
        ('<img src="https://tracker.example/pixel.gif">', "tracker"),
        ('<img src="//tracker.example/pixel.gif">', "tracker"),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "svg"),
        ('<table background="https://tracker.example/bg.gif"><tr><td>x</td></tr></table>', "tracker"),
        ("<!--[if mso]><script>alert(1)</script><![endif]-->", "alert"),
        ("<textarea><script>alert(1)</script></textarea>", "alert"),
    ],
)
def test_nothing_runs_and_nothing_loads_from_outside(dirty: str, forbidden: str):
    assert forbidden not in sanitize_html(dirty).lower()


def test_formatting_survives():
    html = (
        '<p align="center"><b>粗体</b> <i>斜体</i> <u>下划线</u> <font color="#ff0000">红字</font></p>'
        '<ul><li>一</li></ul><table border="1"><tr><td colspan="2">格</td></tr></table>'
        "<blockquote>引用</blockquote><pre>code</pre><br><hr>"
    )
    clean = sanitize_html(html)
    for kept in (
        '<p align="center">',
        "<b>粗体</b>",
        "<i>斜体</i>",
        "<u>下划线</u>",
        '<font color="#ff0000">红字</font>',
        "<li>一</li>",
        '<table border="1">',
        '<td colspan="2">格</td>',
        "<blockquote>引用</blockquote>",
        "<pre>code</pre>",
    ):
        assert kept in clean, kept


def test_links_get_noopener_and_a_new_tab():
    assert sanitize_html('<a href="https://example.com">x</a>') == (
        '<a href="https://example.com" target="_blank" rel="noopener noreferrer">x</a>'
    )
    assert 'href="mailto:a@example.com"' in sanitize_html('<a href="mailto:a@example.com">a</a>')
    assert "href" not in sanitize_html('<a href="/relative/path">x</a>')


def test_only_quote_markers_keep_their_class_and_ids_are_prefixed():
    clean = sanitize_html(
        '<div class="gmail_quote evil-overlay" id="divRplyFwdMsg">q</div><div class="x" id="app">y</div>'
        '<blockquote type="cite" id="isReplyContent">z</blockquote>'
    )
    assert '<div class="gmail_quote" id="mail-divRplyFwdMsg">q</div>' in clean
    assert "<div>y</div>" in clean
    assert '<blockquote type="cite" id="mail-isReplyContent">z</blockquote>' in clean


def test_cid_images_are_kept_and_can_be_pointed_at_their_parts():
    html = sanitize_html('<p><img src="cid:Image001.png@01DA9C00.1" alt="a"><img src="cid:missing@x"></p>')
    assert referenced_cids(html) == {"image001.png@01da9c00.1", "missing@x"}
    resolved = resolve_cid_images(html, {"<image001.png@01DA9C00.1>": "https://files.example/a?sig=1&x=2"})
    assert '<img src="https://files.example/a?sig=1&amp;x=2" alt="a">' in resolved
    assert 'src="cid:missing@x"' in resolved


def test_normalize_cid():
    assert normalize_cid("<Logo.PNG@Host>") == normalize_cid("cid:logo.png%40host") == "logo.png@host"


def test_html_to_text():
    html = (
        "<html><head><title>t</title><style>p{}</style></head><body>"
        "<p>第一段&nbsp;文字 &amp; 符号</p><div>第二行<br>第三行</div>"
        "<ul><li>甲</li><li>乙</li></ul>"
        "<blockquote>引用一<blockquote>引用二</blockquote></blockquote>"
        "<script>var x = 1;</script><pre>  缩进\n保留</pre></body></html>"
    )
    assert html_to_text(html) == (
        "第一段 文字 & 符号\n\n第二行\n第三行\n- 甲\n- 乙\n> 引用一\n> > 引用二\n  缩进\n保留"
    )


def test_sanitizing_is_stable():
    once = sanitize_html('<p onclick="x">a <a href="https://e.example">b</a><img src="cid:c"></p>')
    assert sanitize_html(once) == once
