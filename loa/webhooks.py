"""Signing and checking webhooks, in and out.

The signature is ``sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`` keyed with the site's
webhook secret; ``timestamp`` is Unix seconds (header ``X-Loa-Timestamp``). A signature is
checked in constant time, and a timestamp more than ``WINDOW_SECONDS`` from now is refused, so a
captured delivery cannot be replayed later (within the window, ``X-Loa-Delivery`` makes a
repeat harmless).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

WINDOW_SECONDS = 300
TIMESTAMP_HEADER = "X-Loa-Timestamp"
SIGNATURE_HEADER = "X-Loa-Signature"
DELIVERY_HEADER = "X-Loa-Delivery"
EVENT_HEADER = "X-Loa-Event"
PREFIX = "sha256="
STAMP_RE = re.compile(r"[0-9]{1,12}")


class Refusal(Exception):
    """Why a webhook is refused (401), and which header is at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return PREFIX + mac.hexdigest()


def signed_headers(secret: str, body: bytes, at: float | None = None) -> dict[str, str]:
    """The timestamp and signature headers for ``body``, signed now (or at ``at``)."""
    stamp = int(time.time() if at is None else at)
    return {TIMESTAMP_HEADER: str(stamp), SIGNATURE_HEADER: signature(secret, stamp, body)}


def verify(
    secret: str,
    body: bytes,
    timestamp: str | None,
    given: str | None,
    *,
    at: float | None = None,
    window: int = WINDOW_SECONDS,
) -> None:
    """Raise :class:`Refusal` unless ``given`` signs ``timestamp.body`` and the timestamp is
    within ``window`` seconds of now."""
    # ASCII digits only: str.isdigit() also takes "²" and "٣", which int() refuses or reads
    if not timestamp or not STAMP_RE.fullmatch(timestamp.strip()):
        raise Refusal(f"{TIMESTAMP_HEADER} must be Unix seconds", TIMESTAMP_HEADER)
    stamp_text = timestamp.strip()
    stamp = int(stamp_text)
    current = time.time() if at is None else at
    if abs(current - stamp) > window:
        raise Refusal(
            f"{TIMESTAMP_HEADER} is more than {window} s away from the server's clock",
            TIMESTAMP_HEADER,
        )
    if not given:
        raise Refusal(f"{SIGNATURE_HEADER} is missing", SIGNATURE_HEADER)
    expected = signature(secret, stamp_text, body)
    # compare_digest on bytes: constant time whatever the given value holds
    if not hmac.compare_digest(expected.encode(), given.strip().encode("utf-8", "replace")):
        raise Refusal(f"{SIGNATURE_HEADER} does not match the body", SIGNATURE_HEADER)
