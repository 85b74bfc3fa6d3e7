"""Keyboard use, speed, hostile host CSS, several players, phone width, the demo and embed pages."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import axe_violations, player_state
from tests.browser.host import HOSTILE_CSS, HostSite, article_html, host_page, script_tag
from tests.integration.stack import API_KEY, Stack

PARAGRAPHS = [
    "Sáng nay, Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác chuyển đổi số năm 2024. "
    "Hội nghị có sự tham dự của đại diện các sở, ngành và địa phương trong tỉnh.",
    "Theo báo cáo, toàn tỉnh đã đưa vào sử dụng hơn một nghìn dịch vụ công trực tuyến. "
    "Tỷ lệ hồ sơ được giải quyết đúng hạn đạt chín mươi tám phần trăm.",
    "Năm tới, tỉnh tiếp tục đầu tư hạ tầng số và đào tạo kỹ năng số cho người dân. "
    "Các xã vùng cao được ưu tiên lắp đặt mạng internet tốc độ cao.",
]
POS = "document.querySelector('{sel}')._loaPlayer.pos()"


def post_ready(loa: Stack, external_id: str, paragraphs: list[str]) -> dict[str, Any]:
    with loa.client() as c:
        r = c.post(
            "/v1/articles",
            json={
                "title": "Chuyển đổi số",
                "site": "tinh",
                "external_id": external_id,
                "text": "\n\n".join(paragraphs),
            },
        )
    assert r.status_code in (200, 202), r.text
    body = loa.wait_ready(r.json()["id"])
    assert body["status"] == "ready", body
    return body


@pytest.fixture(scope="module")
def ready_article(loa: Stack) -> Iterator[dict[str, Any]]:
    yield post_ready(loa, f"cds-{uuid.uuid4().hex[:8]}", PARAGRAPHS)


def open_player(
    site: HostSite,
    loa: Stack,
    context: Any,
    console: Any,
    article: dict[str, Any],
    *,
    css: str = "",
    name: str = "",
) -> Any:
    embed = script_tag(
        loa.base_url, site="tinh", external_id=article["external_id"], target="#article-body"
    )
    path = f"/{name or uuid.uuid4().hex}.html"
    url = site.add(path, host_page(loa.base_url, article_html(PARAGRAPHS), embed=embed, css=css))
    page = console.attach(context.new_page())
    page.goto(url)
    page.get_by_role("button", name="Đọc nội dung").wait_for(timeout=30_000)
    return page


def active_in_player(page: Any) -> str:
    """The accessible name (or role) of the focused control inside the player."""
    return page.evaluate("""() => {
        const host = document.activeElement;
        if (!host || !host.shadowRoot) return '';
        const el = host.shadowRoot.activeElement;
        if (!el) return '';
        if (el.labels && el.labels.length) return el.labels[0].textContent.trim();
        return el.getAttribute('aria-label') || el.textContent.trim();
    }""")


def tab_to(page: Any, name: str, limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if active_in_player(page).startswith(name):
            return
    raise AssertionError(f"never reached {name!r} with Tab")


def test_keyboard_only(
    loa: Stack,
    site: HostSite,
    context: Any,
    console: Any,
    ready_article: dict[str, Any],
    screenshots: Path,
) -> None:
    page = open_player(site, loa, context, console, ready_article)
    tab_to(page, "Đọc nội dung")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => {POS.format(sel='loa-player')} > 0.3", timeout=20_000)
    assert active_in_player(page) == "Tạm dừng"  # focus stays on the button it became
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('loa-player')._loaPlayer.el.audio.paused")
    assert player_state(page)["main"] == "Phát"

    tab_to(page, "Vị trí phát")
    page.screenshot(
        path=str(screenshots / "keyboard-slider-focus.png"),
        clip={"x": 0, "y": 0, "width": 1100, "height": 260},
    )
    before = player_state(page)["time"]
    page.keyboard.press("ArrowRight")
    after = player_state(page)["time"]
    assert 4.5 < after - before < 5.5
    page.keyboard.press("Home")
    assert player_state(page)["time"] < 0.1
    page.keyboard.press("End")
    state = player_state(page)
    assert state["now"] >= state["max"] - 1

    tab_to(page, "Tốc độ")
    page.keyboard.press("Enter")
    assert player_state(page)["speed"] == "Tốc độ 1.25×"
    page.keyboard.press("Space")
    assert player_state(page)["rate"] == 1.5

    # start from a chosen paragraph
    tab_to(page, "Đọc từ đoạn")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, "Đọc")
    page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('loa-player')._loaPlayer.el.audio.paused")
    with loa.client() as c:
        segments = c.get(f"{ready_article['links']['playlist']}").json()["segments"]
    third = next(s for s in segments if s["paragraph"] == 2)
    assert player_state(page)["time"] >= third["start"] - 0.05


def test_speed_changes_the_rate_and_is_remembered(
    loa: Stack, site: HostSite, context: Any, console: Any, ready_article: dict[str, Any]
) -> None:
    page = open_player(site, loa, context, console, ready_article)
    page.get_by_role("button", name="Đọc nội dung").click()
    speed = page.get_by_role("button", name="Tốc độ 1×")
    speed.click()
    page.get_by_role("button", name="Tốc độ 1.25×").click()
    assert player_state(page)["rate"] == 1.5
    page.reload()
    page.get_by_role("button", name="Đọc nội dung").click()
    page.get_by_role("button", name="Tốc độ 1.5×").wait_for()
    page.wait_for_function(f"() => {POS.format(sel='loa-player')} > 0.2", timeout=20_000)
    assert player_state(page)["rate"] == 1.5


@pytest.mark.parametrize("width", [1100, 375])
def test_hostile_css_two_players_and_phone_width(
    loa: Stack,
    site: HostSite,
    browser: Any,
    console: Any,
    ready_article: dict[str, Any],
    screenshots: Path,
    width: int,
) -> None:
    other = post_ready(loa, f"cds2-{uuid.uuid4().hex[:8]}", PARAGRAPHS[1:])
    divs = "".join(
        f'<div data-loa-player data-site="tinh" data-external-id="{a["external_id"]}"></div>'
        for a in (ready_article, other)
    )
    loader = f'<script src="{loa.base_url}/player.js" async></script>'
    url = site.add(
        f"/list-{width}.html",
        host_page(
            loa.base_url,
            article_html(PARAGRAPHS),
            embed=divs + loader,
            css=HOSTILE_CSS,
            title="Danh sách bài viết",
        ),
    )
    ctx = browser.new_context(
        viewport={"width": width, "height": 800}, is_mobile=width < 500, has_touch=width < 500
    )
    try:
        page = console.attach(ctx.new_page())
        page.goto(url)
        buttons = page.get_by_role("button", name="Đọc nội dung")
        buttons.nth(1).wait_for(timeout=30_000)
        assert buttons.count() == 2
        for i in range(2):
            box = buttons.nth(i).bounding_box()
            assert box is not None and box["height"] >= 40 and 100 < box["width"] < width
        font = page.evaluate("""() => getComputedStyle(document.querySelector('[data-loa-player]')
            .shadowRoot.querySelector('.main')).fontFamily""")
        assert "Comic" not in font
        page.screenshot(path=str(screenshots / f"hostile-{width}-buttons.png"), full_page=True)

        buttons.nth(0).click()
        first = "[data-loa-player]"
        page.wait_for_function(f"() => {POS.format(sel=first)} > 0.3", timeout=20_000)
        page.get_by_role("button", name="Đọc nội dung").click()  # the second player
        page.wait_for_function(
            """() => {
            const [a, b] = document.querySelectorAll('[data-loa-player]');
            return a._loaPlayer.el.audio.paused && !b._loaPlayer.el.audio.paused;
        }""",
            timeout=20_000,
        )  # one voice at a time
        slider = page.get_by_role("slider", name="Vị trí phát").nth(1).bounding_box()
        assert slider is not None and slider["width"] >= 100
        assert slider["x"] >= 0 and slider["x"] + slider["width"] <= width
        page.screenshot(path=str(screenshots / f"hostile-{width}-playing.png"), full_page=True)
        assert axe_violations(page) == []
    finally:
        ctx.close()


def test_demo_page_paste_and_listen(
    loa: Stack, context: Any, console: Any, screenshots: Path
) -> None:
    page = console.attach(context.new_page())
    page.goto(loa.base_url + "/")
    page.get_by_label("Khóa API").fill(API_KEY)  # the stack runs with keys: the page asks
    page.get_by_label("Nội dung: văn bản hoặc HTML").fill(
        f"<h1>Bản tin {uuid.uuid4().hex[:6]}</h1><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[2]}</p>"
    )
    page.get_by_label("Giọng đọc").select_option("vi-vn-x-south")
    page.get_by_role("button", name="Tạo âm thanh").click()
    button = page.get_by_role("button", name="Đọc nội dung")
    button.wait_for(timeout=30_000)
    assert "<script src=" in page.locator("#snippet").inner_text()
    page.locator("#recent li").first.wait_for()
    page.wait_for_function(
        "() => document.querySelector('#recent .st.ready') !== null", timeout=30_000
    )
    button.click()
    page.wait_for_function(f"() => {POS.format(sel='[data-loa-player]')} > 0.3", timeout=20_000)
    page.screenshot(path=str(screenshots / "demo-page.png"), full_page=True)
    assert axe_violations(page) == []
    # the key is kept for the browser session only
    assert page.evaluate("() => sessionStorage.getItem('loa-api-key')") == API_KEY
    assert page.evaluate("() => localStorage.getItem('loa-api-key')") is None


def test_embed_page_plays(
    loa: Stack, context: Any, console: Any, ready_article: dict[str, Any], screenshots: Path
) -> None:
    page = console.attach(context.new_page())
    page.set_viewport_size({"width": 640, "height": 160})
    page.goto(f"{loa.base_url}/embed/{ready_article['id']}")
    page.get_by_role("button", name="Đọc nội dung").click()
    page.wait_for_function(f"() => {POS.format(sel='loa-player')} > 0.3", timeout=20_000)
    page.screenshot(path=str(screenshots / "embed-page.png"))
    assert axe_violations(page) == []


def test_one_global_name(loa: Stack, site: HostSite, context: Any, console: Any) -> None:
    url = site.add("/blank.html", host_page(loa.base_url, "<p>Trang trống.</p>", embed=""))
    page = console.attach(context.new_page())
    page.goto(url)
    before = set(page.evaluate("() => Object.keys(window)"))
    page.add_script_tag(url=f"{loa.base_url}/player.js")
    page.wait_for_function("() => !!window.Loa")
    assert set(page.evaluate("() => Object.keys(window)")) - before == {"Loa"}


def test_follow_toggle_scrolls_the_sentence_into_view(
    loa: Stack, site: HostSite, context: Any, console: Any, ready_article: dict[str, Any]
) -> None:
    embed = script_tag(
        loa.base_url, site="tinh", external_id=ready_article["external_id"], target="#article-body"
    )
    body = '<div style="height:2400px"></div>' + article_html(PARAGRAPHS)
    url = site.add("/tall.html", host_page(loa.base_url, body, embed=embed))
    page = console.attach(context.new_page())
    page.goto(url)
    page.get_by_role("button", name="Đọc nội dung").click()
    page.wait_for_function(f"() => {POS.format(sel='loa-player')} > 0.3", timeout=20_000)
    follow = page.get_by_role("checkbox", name="Cuộn theo câu đang đọc")
    assert not follow.is_checked()  # off by default
    page.wait_for_function("() => CSS.highlights.has('loa-reading')", timeout=20_000)
    assert page.evaluate("() => window.scrollY") == 0
    follow.check()
    page.get_by_role("button", name="Tới 10 giây").click()  # the next sentence
    page.wait_for_function("() => window.scrollY > 1000", timeout=20_000)
    # the sentence being read ends up inside the viewport (once a smooth scroll ends)
    page.wait_for_function(
        """() => {
        const r = [...CSS.highlights.get('loa-reading')][0].getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight;
    }""",
        timeout=10_000,
    )
