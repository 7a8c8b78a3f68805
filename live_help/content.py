"""Loader for the public help content: categories and organisations (Flask-free)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.contentfiles import ContentError, ContentErrors, bilingual, line_of, load_yaml

CONTENT_DIR = Path(__file__).parent / "content"


@dataclass(frozen=True)
class Category:
    key: str
    title: dict[str, str]
    intro: dict[str, str]


@dataclass(frozen=True)
class Organisation:
    key: str
    name: str
    website: str
    about: dict[str, str]
    phone: str = ""
    phone_note: dict[str, str] = field(default_factory=dict)
    chat: str = ""
    emergency: bool = False
    source: str = ""


def load_categories(path: Path = CONTENT_DIR / "categories.yml") -> list[Category]:
    data = load_yaml(path)
    errors: list[ContentError] = []
    if not isinstance(data, list):
        raise ContentError(path, "expected a list of categories", 1)
    categories, seen = [], set()
    for item in data:
        key = str(item.get("key") or "")
        if not key:
            errors.append(ContentError(path, "category without key", line_of(item)))
            continue
        if key in seen:
            errors.append(ContentError(path, f"category {key!r} appears twice", line_of(item)))
        seen.add(key)
        categories.append(Category(key, bilingual(item, "title", path, errors=errors),
                                   bilingual(item, "intro", path, errors=errors)))
    if errors:
        raise ContentErrors(errors)
    return categories


def load_organisations(folder: Path = CONTENT_DIR / "organisations") -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    errors: list[ContentError] = []
    for path in sorted(folder.glob("*.yml")):
        data = load_yaml(path)
        if not isinstance(data, list):
            errors.append(ContentError(path, "expected a list of organisations", 1))
            continue
        for item in data:
            key = str(item.get("key") or "")
            line = line_of(item)
            if not key:
                errors.append(ContentError(path, "organisation without key", line))
                continue
            if key in found:
                errors.append(ContentError(path, f"organisation {key!r} is defined twice", line))
                continue
            for required in ("name", "website"):
                if not str(item.get(required) or "").strip():
                    errors.append(ContentError(path, f"organisation {key!r} has no {required}", line))
            website = str(item.get("website") or "")
            if website and not website.startswith("https://"):
                errors.append(ContentError(path, f"organisation {key!r}: website must start with https://", line))
            found[key] = Organisation(
                key=key,
                name=str(item.get("name") or ""),
                website=website,
                about=bilingual(item, "about", path, errors=errors),
                phone=str(item.get("phone") or ""),
                phone_note=bilingual(item, "phone_note", path, required=False, errors=errors),
                chat=str(item.get("chat") or ""),
                emergency=bool(item.get("emergency", False)),
                source=str(item.get("source") or ""),
            )
    if errors:
        raise ContentErrors(errors)
    return found
