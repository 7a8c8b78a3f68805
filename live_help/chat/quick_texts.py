"""Quick texts for the counsellor's console, from live_help/content/quick_texts.yml."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

FILE = Path(__file__).resolve().parents[1] / "content" / "quick_texts.yml"


@cache
def _load() -> tuple[dict, ...]:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    problems = [f"{FILE}: item {i}: needs key, title and text in nl and en" for i, item in enumerate(data)
                if not isinstance(item, dict) or not all(isinstance(item.get(k), dict) and {"nl", "en"} <= set(item[k])
                                                         for k in ("title", "text"))]
    if problems:
        raise ValueError("\n".join(problems))
    return tuple(data)


def quick_texts(lang: str) -> list[dict[str, str]]:
    return [{"key": str(item["key"]), "title": item["title"][lang], "text": item["text"][lang]} for item in _load()]
