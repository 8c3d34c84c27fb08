"""Writes the search segmenter's small dictionary (shared/domain/search/words.txt) from jieba's own.

jieba's full dictionary (349,046 words) takes 0.5-1.5 s to load into a new process; its 50,000 most frequent words
load in about 0.15 s and segment support questions the same way (the product terms in
`shared/domain/search/vocabulary.py` cover the rest). Run it again after upgrading jieba:

    .venv/bin/python -m infra.search.build_dictionary
"""

from __future__ import annotations

import sys
from pathlib import Path

import jieba

WORDS = 50_000
TARGET = Path(__file__).resolve().parents[2] / "shared" / "domain" / "search" / "words.txt"


def build(limit: int = WORDS) -> list[str]:
    source = Path(jieba.__file__).with_name("dict.txt")
    rows = [line.split(" ") for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows.sort(key=lambda row: (-int(row[1]), row[0]))  # by frequency, then by word: the same file every run
    return [f"{row[0]} {row[1]}" for row in rows[:limit]]


def main() -> int:
    lines = build()
    TARGET.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(lines)} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
