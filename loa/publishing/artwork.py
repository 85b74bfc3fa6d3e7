"""Podcast artwork: Apple's checks (PNG or JPEG, square, 1400-3000 px, RGB) and Loa's default.

Pillow reads the header for the checks, then decodes the whole image, so a truncated or corrupt
upload is refused rather than served to podcast apps. RGB means no alpha channel, no palette,
no greyscale and no CMYK. The default artwork (``data/default-artwork.png``) is drawn by
``python -m loa.publishing.artwork`` and passes the same checks.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from loa.errors import InputError

MIN_SIDE, MAX_SIDE = 1400, 3000
MAX_BYTES = 10_000_000
MIME_OF_FORMAT = {"PNG": "image/png", "JPEG": "image/jpeg"}
FIELD = "artwork"
DEFAULT_SIDE = 1400


@dataclass(frozen=True)
class Artwork:
    data: bytes
    content_type: str
    side: int  # pixels


def check_artwork(data: bytes, content_type: str | None = None) -> Artwork:
    """Validate an uploaded image; InputError (field "artwork") says what is wrong."""
    if not data:
        raise InputError("artwork: empty body", FIELD)
    if len(data) > MAX_BYTES:
        raise InputError(f"artwork: at most {MAX_BYTES} bytes", FIELD)
    try:
        image = Image.open(io.BytesIO(data))
    except (OSError, ValueError) as exc:
        raise InputError("artwork: not a PNG or JPEG image", FIELD) from exc
    mime = MIME_OF_FORMAT.get(image.format or "")
    if mime is None:
        raise InputError(f"artwork: {image.format} is not PNG or JPEG", FIELD)
    declared = (content_type or mime).split(";")[0].strip().lower()
    if declared != mime:
        raise InputError(f"artwork: Content-Type {declared} but the image is {mime}", FIELD)
    width, height = image.size
    if width != height:
        raise InputError(f"artwork: must be square (got {width}x{height})", FIELD)
    if not MIN_SIDE <= width <= MAX_SIDE:
        raise InputError(
            f"artwork: sides must be {MIN_SIDE}-{MAX_SIDE} px (got {width}x{height})", FIELD
        )
    if image.mode != "RGB":
        raise InputError(f"artwork: must be RGB without alpha (got {image.mode})", FIELD)
    try:
        image.load()  # decode everything: truncated or corrupt data fails here
    except (OSError, ValueError, SyntaxError) as exc:
        raise InputError("artwork: the image data is damaged", FIELD) from exc
    return Artwork(data=data, content_type=mime, side=width)


def default_artwork() -> Artwork:
    """Loa's own artwork, for sites without one."""
    path = resources.files("loa.publishing").joinpath("data/default-artwork.png")
    return check_artwork(path.read_bytes(), "image/png")


def draw_default_artwork(side: int = DEFAULT_SIDE) -> bytes:
    """A loudspeaker and sound waves on deep teal, with the name; PNG bytes."""
    image = Image.new("RGB", (side, side), (14, 78, 86))
    draw = ImageDraw.Draw(image)
    u = side / 100
    cream = (250, 240, 214)
    draw.rectangle((22 * u, 40 * u, 32 * u, 58 * u), fill=cream)
    draw.polygon([(32 * u, 40 * u), (46 * u, 28 * u), (46 * u, 70 * u), (32 * u, 58 * u)], cream)
    for i, radius in enumerate((12, 21, 30)):
        box = (46 * u - radius * u, 49 * u - radius * u, 46 * u + radius * u, 49 * u + radius * u)
        draw.arc(box, start=-45, end=45, fill=(240, 180, 60) if i == 2 else cream, width=int(3 * u))
    font = ImageFont.load_default(size=int(14 * u))
    draw.text((50 * u, 88 * u), "Loa", fill=cream, font=font, anchor="ms")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


if __name__ == "__main__":  # regenerate the shipped default artwork
    target = Path(__file__).with_name("data") / "default-artwork.png"
    target.write_bytes(draw_default_artwork())
    print(f"wrote {target} ({target.stat().st_size} bytes)", file=sys.stderr)
