"""player.js as shipped: small, self-contained, one global name, Vietnamese labels."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "service" / "static"
PLAYER = (STATIC / "player.js").read_text(encoding="utf-8")


def test_player_js_is_at_most_15_kb_gzipped() -> None:
    assert len(gzip.compress(PLAYER.encode("utf-8"), 9)) <= 15 * 1024


def test_one_global_name_and_no_imports() -> None:
    assert re.findall(r"window\.(\w+)\s*=[^=]", PLAYER) == ["Loa"]
    assert not re.search(r"^\s*(import|export)\s", PLAYER, re.MULTILINE)
    assert "require(" not in PLAYER and "console." not in PLAYER


def test_vietnamese_labels_of_every_control() -> None:
    for label in [
        "Đọc nội dung",
        "Phát",
        "Tạm dừng",
        "Lùi 10 giây",
        "Tới 10 giây",
        "Vị trí phát",
        "Tốc độ ",
        "Tải về",
        "Đọc từ đoạn",
        "Cuộn theo câu đang đọc",
    ]:
        assert label in PLAYER, label
    assert '"loa-reading"' in PLAYER  # the Custom Highlight name hosts may style


def test_pages_reference_only_served_assets() -> None:
    for page in ("demo.html", "embed.html"):
        html = (STATIC / page).read_text(encoding="utf-8")
        for src in re.findall(r'(?:src|href)="(/[^"?]*)', html):
            name = src.rsplit("/", 1)[-1]
            assert src == "/player.js" or (STATIC / name).is_file(), (page, src)
