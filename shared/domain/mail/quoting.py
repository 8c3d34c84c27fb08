"""Quoted history and signatures, folded for display: agents read the new part; the rest stays one click away.

Recognized: English clients ("On ... wrote:", "-----Original Message-----", Outlook's "From: / Sent:" block, `>`
lines) and Chinese ones (Gmail/iPhone "... 写道：", Outlook "发件人: / 发送时间:", QQ Mail and Foxmail
"------------------ 原始邮件 ------------------", 网易 "在 ... 写道：" and its `isReplyContent` quote), and
signatures ("-- ", "发自我的iPhone", "Sent from my iPhone"). Forwarded mail stays visible: it is the content. A body
is never folded away entirely: if nothing new would remain, all of it stays visible.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from enum import StrEnum
from html.parser import HTMLParser

# Markers the HTML sanitizer keeps (and only these): the containers clients wrap quoted history and signatures in.
QUOTE_CLASSES = (
    "gmail_quote",
    "gmail_quote_container",
    "gmail_signature",
    "moz-cite-prefix",
    "moz-signature",
    "yahoo_quoted",
    "protonmail_quote",
)
QUOTE_IDS = (
    "divRplyFwdMsg",  # Outlook on the web, new Outlook
    "appendonsend",  # Outlook: just before its reply header
    "mail-editor-reference-message-container",  # Outlook for Mac
    "Signature",  # Outlook
    "isReplyContent",  # 网易 163/126 mail
    "ntes-pcmail-signature",  # 网易 desktop client
    "spnEditorSign",  # 网易 webmail signature
)
# The sanitizer prefixes kept ids so a mail's ids cannot clash with (or clobber) those of the page showing it.
ID_PREFIX = "mail-"
# Quote containers a reply can be written between (inline answers); top-posting headers are always the end.
_INLINE_QUOTES = frozenset({"gmail_quote", "gmail_quote_container", "isReplyContent", "blockquote"})


class FoldReason(StrEnum):
    SEPARATOR = "separator"  # -----Original Message----- / 原始邮件
    HEADER_BLOCK = "header_block"  # From: / Sent: (Outlook, Foxmail, QQ)
    ATTRIBUTION = "attribution"  # On ... wrote: / ... 写道：
    QUOTED_LINES = "quoted_lines"  # > lines
    SIGNATURE = "signature"  # -- / 发自我的iPhone
    QUOTE_CONTAINER = "quote_container"  # HTML: gmail_quote, blockquote type=cite, divRplyFwdMsg, ...


@dataclass(frozen=True)
class FoldedBody:
    """A body split for display. For text, `visible` then `folded` is the whole body (up to whitespace at the cut);
    for HTML, the folded part keeps its elements but not the wrappers it sat in."""

    visible: str
    folded: str = ""
    reason: FoldReason | None = None

    @property
    def has_folded(self) -> bool:
        return bool(self.folded.strip())


# -- text markers ----------------------------------------------------------------------------------------------------

_SEPARATOR = re.compile(
    r"^[-_=*\s]{0,4}-{2,}\s*(original message|original|原始邮件|原始郵件|原邮件|原郵件|原始信息|原始資訊)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^_{8,}\s*$")
_FORWARD = re.compile(
    r"^(-{2,}\s*(forwarded message|转发的邮件|转发邮件|轉寄的郵件)\s*-{2,}"
    r"|begin forwarded message:|开始转发的邮件[:：]?)\s*$",
    re.IGNORECASE,
)
_FROM_FIELD = re.compile(r"^[*\s]*(from|发件人|寄件者|寄件人)[*\s]*[:：]", re.IGNORECASE)
_DATE_FIELD = re.compile(
    r"^[*\s]*(sent|date|发送时间|发送日期|时间|日期|寄件日期|傳送時間|傳送日期)[*\s]*[:：]", re.IGNORECASE
)
_OTHER_FIELD = re.compile(r"^[*\s]*(to|cc|subject|收件人|收件者|抄送|副本|主题|主題|主旨)[*\s]*[:：]", re.IGNORECASE)
_WROTE_EN = re.compile(r"\bwrote\s*:\s*$", re.IGNORECASE)
_WROTE_ZH = re.compile(r"(写道|寫道)\s*[:：]\s*$")
_SIGNATURE = re.compile(
    r"^(--\s?"
    r"|(发自|来自|從|从)我的\s*(iPhone|iPad|iPod|Android|Mac|华为|荣耀|小米|红米|OPPO|vivo|一加|魅族|三星|Galaxy"
    r"|HUAWEI|Honor|Xiaomi|手机|移动设备|手機).{0,20}"
    r"|发自\s*(网易邮箱大师|网易邮箱|QQ邮箱|手机QQ邮箱|Outlook|企业微信|钉钉|邮箱大师).{0,20}"
    r"|sent from my \S.{0,40}"
    r"|sent from (mail for windows|outlook|yahoo mail|my mobile).{0,40}"
    r"|get outlook for \S.{0,20})$",
    re.IGNORECASE,
)
_MAX_ATTRIBUTION = 300


def _unquoted(line: str) -> str:
    return line.lstrip(">").strip()


def _is_quote_line(line: str) -> bool:
    return line.lstrip().startswith(">")


def _attribution_span(lines: list[str], index: int) -> int:
    """How many lines an attribution starting here spans (clients wrap long ones), or 0."""
    first = _unquoted(lines[index])
    if not first:
        return 0
    english_start = bool(re.match(r"^(on|at|am|le)\b", first, re.IGNORECASE))
    chinese_start = first[0] in "在於于"
    for span in (1, 2, 3):
        if index + span > len(lines) or (span > 1 and not _unquoted(lines[index + span - 1])):
            break
        joined = " ".join(_unquoted(line) for line in lines[index : index + span])
        if len(joined) > _MAX_ATTRIBUTION:
            break
        # A wrapped attribution must start like one, or the line before it would be folded too.
        starts = span == 1 or english_start or chinese_start or ("@" in first and "于" in first)
        if starts and _WROTE_EN.search(joined) and (english_start or "@" in joined):
            return span
        if starts and _WROTE_ZH.search(joined) and re.search(r"\d", joined) and (chinese_start or "@" in joined):
            return span
    return 0


def _is_header_block(lines: list[str], index: int) -> bool:
    if not _FROM_FIELD.match(_unquoted(lines[index])):
        return False
    following = [_unquoted(line) for line in lines[index + 1 : index + 8] if _unquoted(line)][:5]
    return any(_DATE_FIELD.match(line) for line in following) and any(_OTHER_FIELD.match(line) for line in following)


def _after_forward_marker(lines: list[str], index: int) -> bool:
    for line in reversed(lines[:index]):
        if line.strip():
            return bool(_FORWARD.match(_unquoted(line)))
    return False


def _marker_at(lines: list[str], index: int) -> FoldReason | None:
    line = _unquoted(lines[index])
    if not line:
        return None
    if _SEPARATOR.match(line):
        return FoldReason.SEPARATOR
    if _is_header_block(lines, index) and not _after_forward_marker(lines, index):
        return FoldReason.HEADER_BLOCK
    if _attribution_span(lines, index):
        return FoldReason.ATTRIBUTION
    if not _is_quote_line(lines[index]) and _SIGNATURE.match(line):
        return FoldReason.SIGNATURE
    return None


def _quotes_only_from(lines: list[str]) -> list[bool]:
    """For each line: nothing but `>` lines, blanks and signatures from there on (a top-posted reply's history).
    One backward pass, so a long quoted thread costs linear time."""
    only = [True] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line.strip() or _is_quote_line(line):
            only[index] = only[index + 1]
        else:
            only[index] = _marker_at(lines, index) in (
                FoldReason.SIGNATURE,
                FoldReason.SEPARATOR,
                FoldReason.HEADER_BLOCK,
            )
    return only


def _cut(lines: list[str]) -> tuple[int, FoldReason] | None:
    quotes_only = _quotes_only_from(lines)
    for index in range(len(lines)):
        reason = _marker_at(lines, index)
        if reason is FoldReason.ATTRIBUTION:
            after = index + _attribution_span(lines, index)
            # "On ... wrote:" then `>` lines then more writing is an inline (interleaved) reply: keep it all.
            if quotes_only[after]:
                return index, reason
            continue
        if reason is not None:
            return index, reason
        if _is_quote_line(lines[index]) and quotes_only[index]:
            return index, FoldReason.QUOTED_LINES
    return None


def fold_text(text: str) -> FoldedBody:
    """Split a text body into what is new and the folded history/signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found = _cut(lines)
    if found is None:
        return FoldedBody(text)
    index, reason = found
    # Outlook puts a line of underscores above its header block; it belongs to the folded part.
    while index > 0 and (not lines[index - 1].strip() or _UNDERSCORES.match(lines[index - 1].strip())):
        index -= 1
    visible = "\n".join(lines[:index]).rstrip()
    if not visible.strip():
        return FoldedBody(text)  # never fold everything
    return FoldedBody(visible, "\n".join(lines[index:]).strip("\n"), reason)


# -- HTML ------------------------------------------------------------------------------------------------------------


@dataclass
class _Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    children: list[_Element | str] = field(default_factory=list)

    def attr(self, name: str) -> str:
        return next((value or "" for key, value in self.attrs if key == name), "")


_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_LINE_BREAKS = frozenset(
    {"br", "div", "p", "li", "tr", "blockquote", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "ul", "ol"}
)


_MAX_DEPTH = 100
_MAX_FOLDED_HTML = 2_000_000  # characters; bigger bodies are shown unfolded


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("", [])
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, attrs)
        self._stack[-1].children.append(element)
        # Deeper nesting is flattened: it bounds recursion and the cost of reading each element's text.
        if tag not in _VOID and len(self._stack) < _MAX_DEPTH:
            self._stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1].children.append(_Element(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)


def _serialize(nodes: list[_Element | str]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(html_lib.escape(node, quote=False))
            continue
        attrs = "".join(
            f" {key}" if value is None else f' {key}="{html_lib.escape(value, quote=True)}"'
            for key, value in node.attrs
        )
        out.append(f"<{node.tag}{attrs}>")
        if node.tag not in _VOID:
            out.append(_serialize(node.children))
            out.append(f"</{node.tag}>")
    return "".join(out)


def _text_lines(node: _Element | str) -> list[str]:
    parts: list[str] = []

    def walk(item: _Element | str) -> None:
        if isinstance(item, str):
            parts.append(re.sub(r"\s+", " ", item.replace("\xa0", " ")))
            return
        if item.tag in _LINE_BREAKS:
            parts.append("\n")
        for child in item.children:
            walk(child)
        if item.tag in _LINE_BREAKS and item.tag != "br":
            parts.append("\n")

    walk(node)
    return [line.strip() for line in "".join(parts).split("\n") if line.strip()]


def _container_kind(element: _Element) -> str | None:
    classes = set(element.attr("class").split())
    marked = classes & set(QUOTE_CLASSES)
    if marked:
        return sorted(marked)[0]
    element_id = element.attr("id")
    for quote_id in QUOTE_IDS:
        if element_id in (quote_id, f"{ID_PREFIX}{quote_id}"):
            return quote_id
    if element.tag == "blockquote" and element.attr("type").lower() == "cite":
        return "blockquote"
    return None


def _text_marker(node: _Element | str) -> FoldReason | None:
    lines = _text_lines(node)
    if not lines:
        return None
    reason = _marker_at(lines, 0)
    if reason is FoldReason.HEADER_BLOCK and isinstance(node, str):
        return None
    return reason


def _has_new_writing(nodes: list[_Element | str]) -> bool:
    """Text outside any quote container or signature: an answer written between quotes."""
    for node in nodes:
        if isinstance(node, str):
            if node.strip():
                return True
            continue
        if _container_kind(node) is not None or _text_marker(node) is FoldReason.SIGNATURE:
            continue
        if _has_new_writing(node.children):
            return True
    return False


def _is_blank(node: _Element | str) -> bool:
    if isinstance(node, str):
        return not node.strip()
    empty = node.tag in ("div", "p", "span") and not _text_lines(node) and not _has_img(node)
    return node.tag in ("br", "hr") or empty


def _has_img(node: _Element | str) -> bool:
    if isinstance(node, str):
        return False
    return node.tag == "img" or any(_has_img(child) for child in node.children)


def _find_cut(root: _Element) -> tuple[list[tuple[_Element, int]], FoldReason] | None:
    """The path (parent, child index) to the first node where history or a signature starts."""
    path: list[tuple[_Element, int]] = []

    def following(at: list[tuple[_Element, int]]) -> list[_Element | str]:
        rest: list[_Element | str] = []
        for parent, index in reversed(at):
            rest.extend(parent.children[index + 1 :])
        return rest

    def visit(parent: _Element) -> FoldReason | None:
        for index, child in enumerate(parent.children):
            path.append((parent, index))
            if isinstance(child, _Element):
                kind = _container_kind(child)
                if kind is not None:
                    if kind not in _INLINE_QUOTES or not _has_new_writing(following(path)):
                        return FoldReason.QUOTE_CONTAINER
                    path.pop()
                    continue
            reason = _text_marker(child)
            if reason is not None and (reason is not FoldReason.ATTRIBUTION or not _has_new_writing(following(path))):
                return reason
            if isinstance(child, _Element) and child.tag not in _VOID:
                found = visit(child)
                if found is not None:
                    return found
            path.pop()
        return None

    reason = visit(root)
    return (path, reason) if reason is not None else None


def fold_html(html: str) -> FoldedBody:
    """Split sanitized HTML into what is new and the folded history/signature, each still well-formed HTML."""
    if len(html) > _MAX_FOLDED_HTML:
        return FoldedBody(html)
    try:
        return _fold_html(html)
    except Exception:  # folding is a convenience: on anything unexpected, show the body as it is
        return FoldedBody(html)


def _fold_html(html: str) -> FoldedBody:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    found = _find_cut(builder.root)
    if found is None:
        return FoldedBody(html)
    path, reason = found
    parent, index = path[-1]
    # Pull the attribution line and the blank lines above a quote into the folded part.
    start = index
    for back in range(index - 1, -1, -1):
        sibling = parent.children[back]
        if _is_blank(sibling):
            continue
        if _text_marker(sibling) is FoldReason.ATTRIBUTION:
            start = back
        break
    while start > 0 and _is_blank(parent.children[start - 1]):
        start -= 1
    path[-1] = (parent, start)
    folded: list[_Element | str] = list(parent.children[start:])
    del parent.children[start:]
    for ancestor, position in reversed(path[:-1]):
        folded.extend(ancestor.children[position + 1 :])
        del ancestor.children[position + 1 :]
    if not _text_lines(builder.root) and not _has_img(builder.root):
        return FoldedBody(html)  # never fold everything
    return FoldedBody(_serialize(builder.root.children), _serialize(folded), reason)
