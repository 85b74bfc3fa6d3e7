"""The `loa` command line, run as a user runs it (a real subprocess)."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import decoded_duration


def loa(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loa.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_normalize_lines_is_one_line_per_input_line() -> None:
    lines = ["Ngày 16/5/2022 trời mưa.", "", "UBND tỉnh có 21 thành viên.", "Xin chào"]
    r = loa("normalize", "--lines", stdin="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr
    out = r.stdout.split("\n")
    assert out[-1] == "" and len(out) - 1 == len(lines)
    assert "mười sáu tháng năm" in out[0]
    assert out[1] == ""
    assert "ủy ban nhân dân" in out[2].lower() and "hai mươi mốt" in out[2]
    assert out[3] == "Xin chào"


def test_extract_and_normalize_a_pasted_page(tmp_path) -> None:
    page = tmp_path / "bai.txt"
    page.write_text(
        "Skip to main content\nChế độ ban đêm In trang Xuất PDF Đọc nội dung\n-A A +A\n\n"
        "Tỉnh tổ chức hội nghị tổng kết năm 2023\n\n"
        "Ngày 28/12/2023, Sở Kế hoạch và Đầu tư (KHĐT) tổ chức hội nghị tổng kết.\n\n"
        "Description: C:\\Users\\may\\Desktop\\IMG_0001.JPG\n"
        "Quang cảnh hội nghị\n\n"
        "Phát biểu tại hội nghị, Giám đốc Sở KHĐT cho biết năm qua tỉnh đã thu hút 120 dự án "
        "đầu tư mới, tập trung vào nông nghiệp công nghệ cao và du lịch.\n",
        encoding="utf-8",
    )
    r = loa("extract", str(page))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Tỉnh tổ chức hội nghị tổng kết năm 2023"
    assert not any("Skip" in x or "Description" in x or "-A A" in x for x in lines)
    r = loa("normalize", "--engine", "gtts", str(page))
    assert r.returncode == 0, r.stderr
    segments = r.stdout.splitlines()
    assert all(0 < len(s) <= 100 for s in segments)
    joined = " ".join(segments)
    assert "Giám đốc Sở Kế hoạch và Đầu tư cho biết" in joined
    assert "một trăm hai mươi dự án" in joined
    assert "Quang cảnh" not in joined  # a caption: not read by default


def test_say_writes_a_playable_mp3(tmp_path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("Xin chào.\nĐây là bản tin ngày 1/6/2024.", encoding="utf-8")
    out = tmp_path / "out.mp3"
    r = loa("say", str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert decoded_duration(out.read_bytes(), tmp_path) > 1.0
