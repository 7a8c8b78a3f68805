"""Reading content files (YAML and Markdown) with errors that name the file and the line.

Every loader of lessons, topics, scenarios, screening items, rubrics and risk lists uses
these helpers, so a reviewer always sees `path:line: message`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml


class ContentError(Exception):
    """One problem in one content file, at a line when known."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class ContentErrors(Exception):
    """All problems found in a content set; loaders collect rather than stop at the first."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class LineDict(dict):
    """A mapping from YAML that remembers the line it started on (1-based)."""

    line: int = 0


class LineList(list):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise ContentError(loader.name, f"duplicate key {key!r}", key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
    result.line = node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path | str) -> Any:
    """Parse a YAML file; every mapping and list knows its line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError(path, f"cannot read: {error}") from error
    loader = _LineLoader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except ContentError:
        raise
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise ContentError(path, f"invalid YAML: {error.problem}", line) from error
    finally:
        loader.dispose()


def line_of(value: Any, default: int | None = None) -> int | None:
    return getattr(value, "line", None) or default


def bilingual(data: Any, key: str, path: Path | str, *, required: bool = True,
              errors: list[ContentError] | None = None) -> dict[str, str]:
    """Read `key: {nl: ..., en: ...}`; a missing language is an error naming file and line."""
    value = data.get(key) if isinstance(data, dict) else None
    line = line_of(value, line_of(data))
    problem = None
    if value is None:
        if not required:
            return {}
        problem = f"'{key}' is missing (needs nl and en)"
    elif not isinstance(value, dict):
        problem = f"'{key}' must have nl and en"
    elif set(value) - {"nl", "en"}:
        extra = ", ".join(repr(k) for k in sorted(map(str, set(value) - {"nl", "en"})))
        problem = (f"'{key}' has unexpected keys {extra} (a comma inside {{nl: ..., en: ...}} "
                   "needs quotes)")
    else:
        missing = [lang for lang in ("nl", "en") if not str(value.get(lang) or "").strip()]
        if missing:
            problem = f"'{key}' has no {' and '.join(missing)} text"
    if problem:
        error = ContentError(path, problem, line)
        if errors is None:
            raise error
        errors.append(error)
        return {"nl": "", "en": ""}
    return {"nl": str(value["nl"]).strip(), "en": str(value["en"]).strip()}
