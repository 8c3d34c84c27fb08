"""Charsets as real mail clients use them: labels, RFC 2047 encoded words, RFC 2231 parameters, raw 8-bit headers.

Labels are hints, not facts. Outlook and Foxmail label GBK text `gb2312`; Taiwanese and Hong Kong clients label
HKSCS text `big5`; some webmails label Chinese `iso-8859-1` or send raw GBK bytes in headers. Each decode tries the
label's codecs strictly, then the codecs such mail is really written in, and replaces bytes only as a last resort.
"""

from __future__ import annotations

import binascii
import codecs
import re
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from shared.domain.mail.problems import MailProblem, ProblemKind

# gb18030 is a superset of GB2312 and GBK, so every label of the family decodes as gb18030: a "gb2312" mail holding
# 镕 or 喆 (GBK only) decodes exactly.
_GB_FAMILY = frozenset(
    {
        "gb2312",
        "gb_2312",
        "gb_2312-80",
        "gb2312-80",
        "gb-2312",
        "csgb2312",
        "csgb231280",
        "euc-cn",
        "x-euc-cn",
        "euccn",
        "cn-gb",
        "chinese",
        "iso-ir-58",
        "gbk",
        "x-gbk",
        "cp936",
        "cp-936",
        "ms936",
        "windows-936",
        "gb18030",
        "x-gb18030",
    }
)
# Tried in order; the first that decodes strictly wins, so plain Big5 stays Big5 and HKSCS text still decodes.
_BIG5_CODECS = ("big5", "cp950", "big5hkscs")
_BIG5_FAMILY = frozenset(
    {"big5", "big-5", "x-big5", "cn-big5", "csbig5", "x-x-big5", "big5-hkscs", "big5hkscs", "cp950", "ms950"}
)
_ALIASES: dict[str, tuple[str, ...]] = {
    "iso-2022-jp": ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_3"),
    "csiso2022jp": ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_3"),
    "iso-2022-jp-2": ("iso2022_jp_2", "iso2022_jp_3"),
    "shift_jis": ("cp932", "shift_jis_2004"),
    "shift-jis": ("cp932", "shift_jis_2004"),
    "sjis": ("cp932", "shift_jis_2004"),
    "x-sjis": ("cp932", "shift_jis_2004"),
    "ms_kanji": ("cp932", "shift_jis_2004"),
    "csshiftjis": ("cp932", "shift_jis_2004"),
    "windows-31j": ("cp932", "shift_jis_2004"),
    "cp932": ("cp932", "shift_jis_2004"),
    "euc-jp": ("euc_jp", "euc_jis_2004"),
    "x-euc-jp": ("euc_jp", "euc_jis_2004"),
    "ks_c_5601-1987": ("cp949",),
    "ks_c_5601": ("cp949",),
    "euc-kr": ("cp949",),
    "korean": ("cp949",),
    "windows-874": ("cp874",),
    "tis-620": ("cp874",),
    "iso-8859-8-i": ("iso8859_8",),
    "utf8": ("utf-8",),
    "utf-8": ("utf-8",),
}
# Labels some Chinese webmails put on GBK or UTF-8 text; browsers read them as windows-1252 anyway.
_LATIN_LABELS = frozenset({"us-ascii", "ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1", "windows-1252"})
_LATIN_CODECS = ("cp1252", "latin-1")
# Labels that say nothing about the bytes.
_NO_LABEL = frozenset({"", "unknown-8bit", "x-unknown", "unknown", "8bit", "default", "charset", "x-user-defined"})
# What unlabelled mail to a Chinese-speaking desk is written in, most to least likely to decode by accident.
_UNLABELLED_CODECS = ("utf-8", "gb18030", "big5hkscs")
_ISO2022_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(B")
_STATEFUL_7BIT = ("iso2022", "utf_7", "utf-7", "hz")


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str
    problems: tuple[MailProblem, ...] = ()


def charset_label(label: str | None) -> str:
    """A label as written (`"GB2312"`, `utf-8*zh-cn`), normalized for lookup; `""` when there is none."""
    if not label:
        return ""
    value = label.strip().strip("\"'").strip().lower()
    return value.split("*", 1)[0]  # RFC 2231 appends a language: utf-8*zh-cn


def codecs_for(label: str | None) -> tuple[str, ...]:
    """The Python codecs to try for a label, best first; empty when the label is unknown or says nothing."""
    name = charset_label(label)
    if name in _NO_LABEL:
        return ()
    if name in _GB_FAMILY:
        return ("gb18030",)
    if name in _BIG5_FAMILY:
        return _BIG5_CODECS
    if name in _LATIN_LABELS:
        return _LATIN_CODECS
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        return (codecs.lookup(name).name,)
    except (LookupError, ValueError):
        return ()


def decode_text(data: bytes, label: str | None = None) -> Decoded:
    """Bytes of a body or a header piece to text: the label's codecs, then likely ones, then replacement."""
    name = charset_label(label)
    candidates = codecs_for(name)
    problems: list[MailProblem] = []
    if name not in _NO_LABEL and not candidates:
        problems.append(MailProblem(ProblemKind.UNKNOWN_CHARSET, name))
    escaped = any(escape in data for escape in _ISO2022_ESCAPES)
    stateful = any(codec.startswith(_STATEFUL_7BIT) for codec in candidates)
    if data.isascii() and not stateful and not escaped:
        return Decoded(data.decode("ascii"), "us-ascii", tuple(problems))
    if name in _LATIN_LABELS:
        guessed = _mislabelled_as_latin(data)
        if guessed is not None:
            text, codec = guessed
            problems.append(MailProblem(ProblemKind.MISLABELLED_CHARSET, f"labelled {name}, decoded as {codec}"))
            return Decoded(_without_bom(text), codec, tuple(problems))
    for codec in candidates:
        text = _strict(data, codec)
        if text is not None:
            return Decoded(_without_bom(text), codec, tuple(problems))
    fallbacks = (("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_3") if escaped else ()) + _UNLABELLED_CODECS
    for codec in fallbacks:
        if codec in candidates:
            continue
        text = _strict(data, codec)
        if text is not None:
            if candidates:
                problems.append(MailProblem(ProblemKind.MISLABELLED_CHARSET, f"labelled {name}, decoded as {codec}"))
            return Decoded(_without_bom(text), codec, tuple(problems))
    # Nothing fits: keep the reading that loses the fewest characters.
    tried = [*candidates, *(c for c in fallbacks if c not in candidates)]
    readings = [(data.decode(codec, errors="replace"), codec) for codec in tried]
    text, codec = min(readings, key=lambda reading: reading[0].count("\ufffd"))
    lost = text.count("\ufffd")
    problems.append(MailProblem(ProblemKind.UNDECODABLE_PART, f"{lost} characters replaced reading {codec}"))
    return Decoded(_without_bom(text), codec, tuple(problems))


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def _without_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _mislabelled_as_latin(data: bytes) -> tuple[str, str] | None:
    """UTF-8 or GBK sent under a Western label. Latin text almost never forms valid UTF-8 or all-CJK GBK pairs."""
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    text = _strict(data, "gb18030")
    if text is not None and looks_chinese(text):
        return text, "gb18030"
    return None


def looks_chinese(text: str) -> bool:
    """At least two CJK characters, and nothing else outside ASCII: how GBK read as GBK looks."""
    wide = [ch for ch in text if ord(ch) > 0x7F]
    cjk = sum(1 for ch in wide if _is_cjk(ch))
    return cjk >= 2 and cjk == len(wide)


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or 0x2000 <= code <= 0x206F
    )


# -- RFC 2047 encoded words in headers -------------------------------------------------------------------------------

_ENCODED_WORD = re.compile(r"=\?([^?\s]*)\?([bBqQ])\?([^?]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


def header_bytes(value: str) -> bytes:
    """A header as the parser gave it back to bytes: 8-bit bytes arrive as surrogate escapes."""
    return value.encode("utf-8", errors="surrogateescape")


def decode_header(raw: str) -> Decoded:
    """A raw header value to text: encoded words (split, adjacent, mislabelled) and raw 8-bit bytes."""
    value = _FOLD.sub("", raw)
    pieces: list[tuple[str, str, str, str]] = []  # (kind, charset, encoding, text)
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        if match.start() > position:
            pieces.append(("text", "", "", value[position : match.start()]))
        pieces.append(("word", charset_label(match.group(1)), match.group(2).upper(), match.group(3)))
        position = match.end()
    if position < len(value):
        pieces.append(("text", "", "", value[position:]))
    # Whitespace between two encoded words is folding, not content (RFC 2047 section 6.2).
    pieces = [
        piece
        for index, piece in enumerate(pieces)
        if not (
            piece[0] == "text"
            and not piece[3].strip()
            and 0 < index < len(pieces) - 1
            and pieces[index - 1][0] == "word"
            and pieces[index + 1][0] == "word"
        )
    ]
    parts: list[str] = []
    problems: list[MailProblem] = []
    charset = "us-ascii"
    index = 0
    while index < len(pieces):
        kind, label, _, text = pieces[index]
        if kind == "text":
            decoded = decode_text(header_bytes(text), None)
            parts.append(decoded.text)
            problems.extend(decoded.problems)
            index += 1
            continue
        # Adjacent words in one charset are joined before decoding: encoders split multibyte characters across them.
        run = [pieces[index]]
        index += 1
        while index < len(pieces) and pieces[index][0] == "word" and pieces[index][1] == label:
            run.append(pieces[index])
            index += 1
        data, broken = _word_bytes(run)
        if broken:
            problems.append(MailProblem(ProblemKind.BROKEN_HEADER, "malformed encoded word"))
        decoded = decode_text(data, label or None)
        charset = decoded.charset
        parts.append(decoded.text)
        problems.extend(decoded.problems)
    text = "".join(parts).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    # A NUL (raw or encoded) would end the text in C-string code downstream and cannot be stored as mail text; a
    # lone surrogate (an undecodable byte kept by surrogateescape) is not text at all: both become U+FFFD.
    text = "".join("\ufffd" if ch == "\x00" or "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return Decoded(text.strip(), charset, tuple(dict.fromkeys(problems)))


def _word_bytes(run: list[tuple[str, str, str, str]]) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    broken = False
    pending_b64 = ""
    for _, _, encoding, text in run:
        if encoding == "B":
            pending_b64 += text
            # Some encoders split base64 itself across words; wait for a whole quantum unless it is padded.
            if len(pending_b64.rstrip("=")) % 4 and not pending_b64.endswith("="):
                continue
            data, ok = decode_base64(pending_b64.encode("ascii", errors="ignore"))
            chunks.append(data)
            broken = broken or not ok
            pending_b64 = ""
        else:
            if pending_b64:
                data, ok = decode_base64(pending_b64.encode("ascii", errors="ignore"))
                chunks.append(data)
                broken = broken or not ok
                pending_b64 = ""
            raw = header_bytes(text.replace("_", " "))
            chunks.append(_QP_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw))
    if pending_b64:
        data, ok = decode_base64(pending_b64.encode("ascii", errors="ignore"))
        chunks.append(data)
        broken = broken or not ok
    return b"".join(chunks), broken


_B64_NOISE = re.compile(rb"[^A-Za-z0-9+/=]")
_B64_FOREIGN = re.compile(rb"[^A-Za-z0-9+/=\s]")


def decode_base64(data: bytes) -> tuple[bytes, bool]:
    """Lenient base64: decodes what is there; `ok` is False when it was cut short or damaged."""
    ok = not _B64_FOREIGN.search(data)
    cleaned = _B64_NOISE.sub(b"", data)
    out: list[bytes] = []
    # Concatenated encodings ("...=" then more) are decoded segment by segment.
    for segment in re.split(rb"(?<==)(?=[^=])", cleaned):
        body = segment.rstrip(b"=")
        if len(body) % 4 == 1:
            body = body[:-1]  # a lone sextet carries no whole byte: the data was cut here
            ok = False
        elif len(body) % 4 and not segment.endswith(b"="):
            ok = False  # an unpadded tail: cut short
        try:
            out.append(binascii.a2b_base64(body + b"=" * (-len(body) % 4)))
        except (binascii.Error, ValueError):
            ok = False
    return b"".join(out), ok


# -- RFC 2231 parameters (file names) ---------------------------------------------------------------------------------

_CONTINUATION = re.compile(r"^(?P<name>[^*]+)\*(?P<index>\d+)(?P<encoded>\*)?$")


@dataclass(frozen=True)
class ParameterizedHeader:
    """`text/plain; charset="gb2312"` as its value and its parameters, names lower-cased, values decoded."""

    value: str
    params: dict[str, str] = field(default_factory=dict)
    problems: tuple[MailProblem, ...] = ()

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.params.get(name, default)


def header_parameters(raw: str) -> ParameterizedHeader:
    """Content-Type or Content-Disposition with RFC 2231 (charset, continuations) and RFC 2047 values."""
    segments = _split_parameters(_FOLD.sub("", raw))
    value = segments[0].strip().lower() if segments else ""
    plain: dict[str, str] = {}
    extended: dict[str, dict[int, tuple[str, bool]]] = {}
    problems: list[MailProblem] = []
    for segment in segments[1:]:
        if "=" not in segment:
            if segment.strip():
                problems.append(MailProblem(ProblemKind.BROKEN_HEADER, f"parameter without value: {segment[:40]!r}"))
            continue
        name, _, raw_value = segment.partition("=")
        name = name.strip().lower()
        raw_value = _unquote(raw_value.strip())
        if name.endswith("*") and "*" not in name[:-1]:
            extended.setdefault(name[:-1], {})[0] = (raw_value, True)
            continue
        match = _CONTINUATION.match(name)
        if match:
            parts = extended.setdefault(match.group("name"), {})
            parts[int(match.group("index"))] = (raw_value, bool(match.group("encoded")))
            continue
        plain.setdefault(name, raw_value)
    params: dict[str, str] = {}
    for name, raw_value in plain.items():
        decoded = decode_header(raw_value)
        params[name] = decoded.text
        problems.extend(decoded.problems)
    # The RFC 2231 form wins over the plain one: clients send both, the plain one for old readers.
    for name, parts in extended.items():
        decoded = _join_continuations(parts)
        params[name] = decoded.text
        problems.extend(decoded.problems)
    return ParameterizedHeader(value, params, tuple(dict.fromkeys(problems)))


def _join_continuations(parts: dict[int, tuple[str, bool]]) -> Decoded:
    charset = ""
    chunks: list[bytes] = []
    for position, index in enumerate(sorted(parts)):
        text, encoded = parts[index]
        if encoded and position == 0 and text.count("'") >= 2:
            charset, _, text = text.split("'", 2)
        if encoded:
            chunks.append(unquote_to_bytes(header_bytes(text)))
        else:
            chunks.append(header_bytes(text))
    data = b"".join(chunks)
    if not charset:
        # Continuations without a charset sometimes still carry encoded words.
        return decode_header(data.decode("utf-8", errors="surrogateescape"))
    decoded = decode_text(data, charset)
    return Decoded(decoded.text.strip(), decoded.charset, decoded.problems)


def _split_parameters(value: str) -> list[str]:
    segments: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for ch in value:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\" and quoted and not _after_raw_byte(current):
            current.append(ch)
            escaped = True
        elif ch == '"':
            current.append(ch)
            quoted = not quoted
        elif ch == ";" and not quoted:
            segments.append("".join(current))
            current = []
        else:
            current.append(ch)
    segments.append("".join(current))
    return segments


def _after_raw_byte(previous: list[str] | str) -> bool:
    """A backslash after a raw 8-bit byte is the second byte of a GBK or Big5 character, not an escape."""
    return bool(previous) and 0xDC80 <= ord(previous[-1]) <= 0xDCFF


def _unquote(value: str) -> str:
    if value.startswith('"'):
        # An unterminated quote keeps what is there.
        inner = value[1:-1] if len(value) >= 2 and value.endswith('"') else value[1:]
        out: list[str] = []
        escaped = False
        for ch in inner:
            if ch == "\\" and not escaped and not _after_raw_byte(out):
                escaped = True
                continue
            out.append(ch)
            escaped = False
        return "".join(out)
    return value
