"""Artwork checks (square, 1400-3000 px, RGB, PNG/JPEG) and Loa's default artwork."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from loa.errors import InputError
from loa.publishing.artwork import check_artwork, default_artwork, draw_default_artwork


def _image(size: tuple[int, int], mode: str = "RGB", fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "teal" if mode != "L" else 128).save(out, format=fmt)
    return out.getvalue()


def test_the_default_artwork_passes_the_checks() -> None:
    art = default_artwork()
    assert art.content_type == "image/png" and art.side == 1400
    assert check_artwork(draw_default_artwork(), "image/png").side == 1400


@pytest.mark.parametrize(
    ("fmt", "mime", "side"), [("PNG", "image/png", 1400), ("JPEG", "image/jpeg", 3000)]
)
def test_good_images(fmt: str, mime: str, side: int) -> None:
    assert check_artwork(_image((side, side), fmt=fmt), mime).content_type == mime


@pytest.mark.parametrize(
    ("data", "mime", "word"),
    [
        (_image((1400, 1500)), "image/png", "square"),
        (_image((1399, 1399)), "image/png", "1400-3000"),
        (_image((3001, 3001), fmt="JPEG"), "image/jpeg", "1400-3000"),
        (_image((1400, 1400), "RGBA"), "image/png", "RGB"),
        (_image((1400, 1400), "L"), "image/png", "RGB"),
        (_image((1400, 1400), "CMYK", "JPEG"), "image/jpeg", "RGB"),
        (_image((1400, 1400), fmt="GIF"), "image/gif", "PNG or JPEG"),
        (_image((1400, 1400)), "image/jpeg", "Content-Type"),
        (b"\x89PNG not really", "image/png", "PNG or JPEG"),
        (b"", "image/png", "empty"),
    ],
)
def test_bad_images_are_refused(data: bytes, mime: str, word: str) -> None:
    with pytest.raises(InputError) as info:
        check_artwork(data, mime)
    assert info.value.field == "artwork" and word in info.value.message


def test_a_truncated_image_is_refused() -> None:
    data = draw_default_artwork()
    with pytest.raises(InputError, match="damaged|PNG or JPEG"):
        check_artwork(data[: len(data) // 2], "image/png")
