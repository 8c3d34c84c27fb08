"""WeChat's message encryption (安全模式), as its WXBizMsgCrypt samples define it.

AESKey = Base64_Decode(EncodingAESKey + "="), 32 bytes; AES-256-CBC with the key's first 16 bytes as the IV;
PKCS#7 padding to a multiple of 32 bytes; the plaintext is random(16) + len(msg) (4 bytes, network order) + msg +
AppID. The AppID at the end must be ours: a message encrypted for another account is refused. `cryptography`
(imported when first used) does the AES.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import struct
from dataclasses import dataclass

from shared.errors import InvalidSignature, InvalidXml

BLOCK = 32  # WeChat pads to 32 bytes, not AES's 16
_KEY = re.compile(r"^[A-Za-z0-9]{43}$")


def valid_encoding_aes_key(value: str) -> bool:
    return bool(_KEY.match(value or ""))


@dataclass(frozen=True)
class MessageCrypto:
    encoding_aes_key: str
    app_id: str

    @property
    def key(self) -> bytes:
        if not valid_encoding_aes_key(self.encoding_aes_key):
            raise ValueError("an EncodingAESKey is 43 letters and digits")
        return base64.b64decode(self.encoding_aes_key + "=")

    def encrypt(self, message: bytes, random: bytes | None = None) -> str:
        """Base64 of the encrypted message, as the `Encrypt` field carries it. `random` (16 bytes) only for tests
        that reproduce published vectors."""
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        prefix = random if random is not None else os.urandom(16)
        if len(prefix) != 16:
            raise ValueError("the random prefix is 16 bytes")
        plain = prefix + struct.pack(">I", len(message)) + message + self.app_id.encode("utf-8")
        pad = BLOCK - len(plain) % BLOCK
        plain += bytes([pad]) * pad
        key = self.key
        encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypted: str) -> bytes:
        """The message inside `Encrypt`. InvalidXml when it is not WeChat's format; InvalidSignature when it was
        encrypted for another AppID (or with another key)."""
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        try:
            data = base64.b64decode(encrypted.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise InvalidXml("Encrypt is not base64") from None
        if not data or len(data) % 16:
            raise InvalidXml("Encrypt is not whole AES blocks")
        key = self.key
        decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad or len(plain) - pad < 20:
            raise InvalidSignature("Encrypt does not decrypt with this Official Account's key")
        content = plain[16 : len(plain) - pad]
        (length,) = struct.unpack(">I", content[:4])
        if length > len(content) - 4:
            raise InvalidSignature("Encrypt does not decrypt with this Official Account's key")
        message, app_id = content[4 : 4 + length], content[4 + length :]
        if app_id != self.app_id.encode("utf-8"):
            raise InvalidSignature("the message was encrypted for another AppID")
        return message
