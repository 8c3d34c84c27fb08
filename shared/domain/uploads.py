"""Files customers and staff attach on the web: what may be uploaded, and what the bytes are.

A file is refused when its name or its content says it runs: executables and scripts by extension, and by the first
bytes (Windows PE `MZ`, ELF, Mach-O, a `#!` script, an OLE installer named otherwise). A file whose name or declared
type says image must start like one (thumbnails are shown inline; a disguised HTML page must not be).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_ATTACHMENTS = 10
SNIFF_BYTES = 4096

BLOCKED_EXTENSIONS = frozenset(
    {
        "exe", "bat", "cmd", "com", "js", "jse", "vbs", "vbe", "scr", "msi", "msp", "ps1", "psm1", "psd1", "sh",
        "bash", "zsh", "csh", "pif", "cpl", "jar", "hta", "wsf", "wsh", "reg", "lnk", "dll", "sys", "app", "dmg",
        "pkg", "apk", "run", "bin", "elf", "gadget", "msc", "inf", "py", "pyw", "pl", "rb", "php", "ws", "vb",
    }
)  # fmt: skip
IMAGE_EXTENSIONS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                    "webp": "image/webp", "bmp": "image/bmp"}  # fmt: skip
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                     b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")  # fmt: skip


@dataclass(frozen=True)
class Upload:
    id: str
    owner: str
    filename: str
    content_type: str
    size: int
    key: str
    created_at: datetime
    valid_until: datetime
    used_by: str | None = None


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[1].lower() if "." in filename else ""


def blocked_name(filename: str) -> bool:
    """Any extension of the name runs (`invoice.pdf.exe`, and `photo.exe.png` too: Windows hides the last one)."""
    parts = [p.lower().strip() for p in filename.split(".")[1:]]
    return any(p in BLOCKED_EXTENSIONS for p in parts)


def image_type(filename: str, content_type: str) -> str | None:
    """The image type a file claims by name or declared type (None: it claims none)."""
    by_name = IMAGE_EXTENSIONS.get(extension(filename))
    if by_name:
        return by_name
    return content_type if content_type in IMAGE_EXTENSIONS.values() else None


def sniff_image(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"BM"):
        return "image/bmp"
    return None


def content_problem(filename: str, content_type: str, head: bytes) -> str | None:
    """Why the first bytes of a file refuse it (None: nothing)."""
    if head.startswith(_EXECUTABLE_MAGIC):
        return "the file is a program or a script"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<script", b"@echo off")):
        return "the file is a script"
    claimed = image_type(filename, content_type)
    if claimed is not None:
        actual = sniff_image(head)
        if actual is None:
            return "the file is not the image its name or type says"
    return None
