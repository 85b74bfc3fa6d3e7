"""DELETE racing the worker, through real HTTP, a real worker process and the real database:
every DELETE answers 2xx, nothing is left on disk, and the worker finishes quietly."""

from __future__ import annotations

import time
import uuid

from tests.integration.stack import Stack

SENTENCES = [
    "Sở Khoa học và Công nghệ tổ chức hội thảo về đổi mới sáng tạo trong doanh nghiệp.",
    "Tham dự có đại diện các huyện, các trường đại học và nhiều doanh nghiệp trong tỉnh.",
    "Hội thảo bàn về chuyển giao công nghệ, sở hữu trí tuệ và hỗ trợ khởi nghiệp.",
    "Các đại biểu cũng thảo luận về nguồn vốn cho các dự án nghiên cứu ứng dụng.",
]
# when each DELETE is sent: at once, once processing, after the first segment, and when every
# segment is made (the job is then assembling and writing the article's audio file)
MOMENTS = ["posted", "processing", "first segment", "all segments", "all segments"]
ROUNDS = 3


def worker_log_size(stack: Stack) -> int:
    path = stack.log_dir / "worker.log"
    return path.stat().st_size if path.exists() else 0


def worker_log_since(stack: Stack, offset: int) -> str:
    with open(stack.log_dir / "worker.log", "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", "replace")


def reached(body: dict, moment: str) -> bool:
    done, total = body["progress"]["done"], body["progress"]["total"]
    if moment == "posted":
        return True
    if body["status"] in ("ready", "failed"):
        return True
    if moment == "processing":
        return body["status"] == "processing"
    if moment == "first segment":
        return done >= 1
    return total > 0 and done >= total


def test_delete_while_the_worker_writes_is_clean(stack: Stack) -> None:
    log_start = worker_log_size(stack)
    deleted: list[str] = []
    with stack.client() as c:
        for round_number in range(ROUNDS):
            for moment in MOMENTS:
                text = " ".join(SENTENCES) + f" Mã bài {round_number} {uuid.uuid4().hex[:8]}."
                r = c.post("/v1/articles", json={"title": "Xóa giữa chừng", "text": text})
                assert r.status_code == 202, (r.text, stack.logs("api"))
                article_id = r.json()["id"]
                deadline = time.monotonic() + 60
                while not reached(c.get(f"/v1/articles/{article_id}").json(), moment):
                    assert time.monotonic() < deadline, stack.logs("worker")
                    time.sleep(0.005)
                gone = c.delete(f"/v1/articles/{article_id}")
                assert 200 <= gone.status_code < 300, (moment, gone.status_code, gone.text)
                deleted.append(article_id)

        # every job has ended (one task per article: each was posted once)
        deadline = time.monotonic() + 120
        while worker_log_since(stack, log_start).count("succeeded in") < len(deleted):
            assert time.monotonic() < deadline, worker_log_since(stack, log_start)[-6000:]
            time.sleep(0.2)

        for article_id in deleted:
            assert c.get(f"/v1/articles/{article_id}").status_code == 404
    articles_dir = stack.data_dir / "audio" / "articles"
    left = [p.name for p in articles_dir.iterdir()] if articles_dir.exists() else []
    assert not set(left) & set(deleted), "files or folders left behind"
    log = worker_log_since(stack, log_start)
    for trouble in ("Traceback", "IsADirectoryError", "FileNotFoundError", "internal error"):
        assert trouble not in log, log[-6000:]
    assert "api" in stack.procs and "Traceback" not in stack.logs("api")
