"""HTML from mail made safe to show an agent, its text version, and inline `cid:` images.

Nothing runs: no scripts, styles, event handlers, forms or frames. Links open in a new tab with `rel=noopener`.
Images load only from the message itself (`cid:`) or inline `data:` images, so remote images cannot track who read
the mail. The few class and id attributes kept are the markers quoted history is recognized by.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Mapping
from copy import deepcopy
from functools import cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import nh3

from shared.domain.mail.quoting import ID_PREFIX, QUOTE_CLASSES, QUOTE_IDS

_CONTENT_DROPPED = {
    "script",
    "style",
    "title",
    "xml",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "select",
    "textarea",
}
_DATA_IMAGE = re.compile(r"^data:image/(png|jpe?g|gif|webp|bmp);base64,", re.IGNORECASE)
_LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")
_EMPTY_CLASS = re.compile(r' class=""')
_CID_SOURCE = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)(["']?)cid:([^"'\s>]+)\2""", re.IGNORECASE)


@cache
def _cleaner() -> Any:
    attributes = deepcopy(nh3.ALLOWED_ATTRIBUTES)
    attributes["*"] = {"title", "dir", "lang"}
    attributes["font"] = {"color", "face", "size"}
    attributes["img"] = attributes["img"] | {"title"}
    attributes["table"] = attributes["table"] | {"border", "cellpadding", "cellspacing", "width", "bgcolor"}
    for cell in ("td", "th"):
        attributes[cell] = attributes[cell] | {"width", "height", "valign", "bgcolor", "nowrap"}
    attributes["tr"] = attributes["tr"] | {"valign", "bgcolor"}
    for block in ("div", "p"):
        attributes[block] = attributes.get(block, set()) | {"align"}
    marked = ("div", "blockquote", "p", "span")
    return nh3.Cleaner(
        tags=set(nh3.ALLOWED_TAGS) | {"font"},
        clean_content_tags=_CONTENT_DROPPED,
        attributes=attributes,
        attribute_filter=_filter_attribute,
        strip_comments=True,
        link_rel="noopener noreferrer",
        url_schemes={"http", "https", "mailto", "tel", "cid", "data"},
        url_relative="deny",
        set_tag_attribute_values={"a": {"target": "_blank"}},
        tag_attribute_values={
            "div": {"id": set(QUOTE_IDS)},
            "blockquote": {"id": set(QUOTE_IDS), "type": {"cite"}},
        },
        allowed_classes={tag: set(QUOTE_CLASSES) for tag in marked},
        id_prefix=ID_PREFIX,
    )


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """URL attributes beyond nh3's scheme check: `cid:`/`data:` only for images, never for links."""
    if attribute == "src":
        if tag != "img":
            return None
        if value[:4].lower() == "cid:" or _DATA_IMAGE.match(value):
            return value
        return None  # remote images would tell the sender who read the mail, and when
    if attribute in ("href", "cite"):
        return value if value.lower().startswith(_LINK_SCHEMES) else None
    return value


def sanitize_html(html: str) -> str:
    """Safe HTML to show; never raises (a sanitizer failure shows the text version instead)."""
    try:
        cleaned = str(_cleaner().clean(html))
    except BaseException as error:  # nh3 reports internal panics as a BaseException
        if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        return f"<pre>{html_lib.escape(html_to_text(html))}</pre>"
    # Filtered class lists can end up empty; what is left of the <head> is whitespace.
    return _EMPTY_CLASS.sub("", cleaned).strip()


def normalize_cid(value: str) -> str:
    """`<Image001.png@01DA>` (Content-ID) and `cid:image001.png%4001DA` (HTML) name the same part."""
    value = unquote(value.strip())
    if value[:4].lower() == "cid:":
        value = value[4:]
    return value.strip().strip("<>").strip().lower()


def referenced_cids(html: str) -> set[str]:
    """The content ids the HTML shows as images."""
    return {normalize_cid(match.group(3)) for match in _CID_SOURCE.finditer(html)}


def resolve_cid_images(html: str, urls: Mapping[str, str]) -> str:
    """Point `cid:` images at where their parts are served (e.g. signed S3 URLs); keys are normalized cids."""
    wanted = {normalize_cid(cid): url for cid, url in urls.items()}

    def replace(match: re.Match[str]) -> str:
        url = wanted.get(normalize_cid(match.group(3)))
        if url is None:
            return match.group(0)
        return f'{match.group(1)}"{html_lib.escape(url, quote=True)}"'

    return _CID_SOURCE.sub(replace, html)


# -- HTML to text -----------------------------------------------------------------------------------------------------

_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tr",
        "ul",
    }
)
_SKIPPED = frozenset({"script", "style", "head", "title", "xml", "noscript", "template", "svg", "math"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr", "source"})


class _TextWriter(HTMLParser):
    """Lines of text with their blockquote depth, so quoted history reads as `>` lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self._line: list[str] = []
        self._depth = 0
        self._skipping: list[str] = []
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping.append(tag)
            return
        if tag == "br":
            self._flush(keep_empty=True)
        elif tag in _BLOCKS:
            self._flush()
            if tag == "blockquote":
                self._depth += 1
            elif tag == "li":
                self._line.append("- ")
            elif tag == "pre":
                self._pre += 1
            elif tag == "hr":
                self.lines.append((self._depth, "-" * 20))
        elif tag in ("td", "th") and "".join(self._line).strip():
            self._line.append("\t")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.pop()
            return
        if tag in _BLOCKS:
            self._flush()
            if tag == "blockquote" and self._depth:
                self._depth -= 1
            elif tag == "pre" and self._pre:
                self._pre -= 1
            elif tag == "p":
                self.lines.append((self._depth, ""))

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._pre:
            for index, piece in enumerate(data.split("\n")):
                if index:
                    self._flush(keep_empty=True)
                self._line.append(piece)
            return
        self._line.append(re.sub(r"[ \t\r\n\f]+", " ", data))

    def _flush(self, keep_empty: bool = False) -> None:
        text = "".join(self._line).replace("\xa0", " ")
        text = text if self._pre else text.strip()
        if text or keep_empty:
            self.lines.append((self._depth, text))
        self._line = []

    def text(self) -> str:
        self._flush()
        rendered: list[str] = []
        for depth, line in self.lines:
            prefix = "> " * depth
            rendered.append((prefix + line).rstrip())
        text = "\n".join(rendered)
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def html_to_text(html: str) -> str:
    """A readable text version of an HTML body (for HTML-only mail, search and notifications)."""
    writer = _TextWriter()
    try:
        writer.feed(html)
        writer.close()
    except Exception:  # HTMLParser is lenient; keep whatever was read before anything odd
        pass
    return writer.text()
