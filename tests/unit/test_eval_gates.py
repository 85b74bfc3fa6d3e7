"""Evaluation gates on the shared corpus (like trafilatura's eval gate): a regression in
extraction or normalization quality fails the suite. The floors are the issue's targets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_gate(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "bench" / script), *args, "--gate"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )


def test_extraction_f1_gate(corpus_dir: Path) -> None:
    r = run_gate("extract.py", str(corpus_dir / "articles"))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "mean F1 pages" in r.stdout and "mean F1 dumps" in r.stdout


def test_normalization_accuracy_gate(corpus_dir: Path) -> None:
    r = run_gate("normalization.py", str(corpus_dir / "normalization-dev.tsv"))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "overall" in r.stdout
