"""Full-text search over the help topics, by word stem.

SQLite (the embedded default): an FTS5 table holding text stemmed in Python by
snowballstemmer (Dutch or English). PostgreSQL: a weighted tsvector per topic and language
with the `dutch` (or `english`) text-search configuration. Whatever a visitor types is cut
into plain word tokens first, so odd characters never reach a query parser.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import snowballstemmer
from sqlalchemy import delete, select, text

from app.extensions import db
from live_help.content import LANGS, HelpContent, Topic
from live_help.models import FTS_TABLE, TopicDocument

PG_CONFIG = {"nl": "dutch", "en": "english"}
STEMMER_NAME = {"nl": "dutch", "en": "english"}
MAX_QUERY = 200
MAX_TOKENS = 12
_TOKEN = re.compile(r"[a-z0-9]+")


@cache
def _stemmer(lang: str):
    return snowballstemmer.stemmer(STEMMER_NAME[lang])


def tokens(value: str) -> list[str]:
    """Lowercase word tokens without accents: the only thing that reaches a query."""
    plain = unicodedata.normalize("NFKD", value or "")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return _TOKEN.findall(plain)


@cache
def _stem(word: str, lang: str) -> str:
    return _stemmer(lang).stemWord(word)


def stems(value: str, lang: str) -> list[str]:
    return [_stem(word, lang) for word in tokens(value)]


def _is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


# --- loading ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadResult:
    added: int
    changed: int
    removed: int
    unchanged: int


def _document_fields(topic: Topic, lang: str) -> dict[str, str]:
    return {
        "category": topic.category,
        "title": topic.title[lang],
        "summary": topic.summary[lang],
        "terms": " ; ".join(topic.search_terms[lang]),
        "body": " ".join(topic.plain_text(lang).split()),
    }


def _checksum(fields: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


def load_index(content: HelpContent) -> LoadResult:
    """Bring the search tables in line with the content files; running it twice changes nothing."""
    existing = {(d.slug, d.lang): d for d in db.session.scalars(select(TopicDocument))}
    added = changed = unchanged = 0
    wanted = set()
    for topic in content.topics.values():
        for lang in LANGS:
            wanted.add((topic.slug, lang))
            fields = _document_fields(topic, lang)
            checksum = _checksum(fields)
            document = existing.get((topic.slug, lang))
            if document is not None and document.checksum == checksum:
                unchanged += 1
                continue
            if document is None:
                document = TopicDocument(slug=topic.slug, lang=lang)
                db.session.add(document)
                added += 1
            else:
                changed += 1
            for name, value in fields.items():
                setattr(document, name, value)
            document.checksum = checksum
            db.session.flush()
            _index_document(document)
    removed = 0
    for key, document in existing.items():
        if key not in wanted:
            _unindex_document(document)
            db.session.delete(document)
            removed += 1
    db.session.commit()
    return LoadResult(added, changed, removed, unchanged)


def _index_document(document: TopicDocument) -> None:
    if _is_postgres():
        db.session.execute(text(
            "UPDATE topic_documents SET search_vector ="
            " setweight(to_tsvector(CAST(:cfg AS regconfig), title), 'A')"
            " || setweight(to_tsvector(CAST(:cfg AS regconfig), terms), 'A')"
            " || setweight(to_tsvector(CAST(:cfg AS regconfig), summary), 'B')"
            " || setweight(to_tsvector(CAST(:cfg AS regconfig), body), 'D')"
            " WHERE id = :id"), {"cfg": PG_CONFIG[document.lang], "id": document.id})
        return
    _unindex_document(document)
    lang = document.lang
    db.session.execute(text(
        f"INSERT INTO {FTS_TABLE} (rowid, slug, lang, title, summary, terms, body)"  # noqa: S608 - constant
        " VALUES (:id, :slug, :lang, :title, :summary, :terms, :body)"), {
        "id": document.id, "slug": document.slug, "lang": lang,
        "title": " ".join(stems(document.title, lang)),
        "summary": " ".join(stems(document.summary, lang)),
        "terms": " ".join(stems(document.terms, lang)),
        "body": " ".join(stems(document.body, lang)),
    })


def _unindex_document(document: TopicDocument) -> None:
    if not _is_postgres():
        db.session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": document.id})  # noqa: S608


# --- searching --------------------------------------------------------------------------------
def search(query: str, lang: str, limit: int = 20) -> list[str]:
    """Slugs of the topics that match `query` in `lang`, best first.

    All words must match; when that finds nothing, any word (or the start of a word) will do.
    """
    words = tokens((query or "")[:MAX_QUERY])[:MAX_TOKENS]
    if not words or lang not in LANGS:
        return []
    if _is_postgres():
        return _search_postgres(words, lang, limit)
    return _search_sqlite(words, lang, limit)


def _search_sqlite(words: list[str], lang: str, limit: int) -> list[str]:
    stemmed = list(dict.fromkeys(_stem(word, lang) for word in words))
    sql = text(
        f"SELECT slug FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match AND lang = :lang"  # noqa: S608
        f" ORDER BY bm25({FTS_TABLE}, 0, 0, 10.0, 4.0, 10.0, 1.0) LIMIT :limit")
    every = " AND ".join(f'"{s}"' for s in stemmed)
    found = [row[0] for row in db.session.execute(sql, {"match": every, "lang": lang, "limit": limit})]
    if not found:
        some = " OR ".join(f'"{s}"*' for s in stemmed)
        found = [row[0] for row in db.session.execute(sql, {"match": some, "lang": lang, "limit": limit})]
    return found


def _search_postgres(words: list[str], lang: str, limit: int) -> list[str]:
    sql = text(
        "SELECT slug FROM topic_documents, to_tsquery(CAST(:cfg AS regconfig), :query) AS query"
        " WHERE lang = :lang AND search_vector @@ query"
        " ORDER BY ts_rank(search_vector, query) DESC, slug LIMIT :limit")
    params = {"cfg": PG_CONFIG[lang], "lang": lang, "limit": limit}
    found = [row[0] for row in db.session.execute(sql, {**params, "query": " & ".join(words)})]
    if not found:
        some = " | ".join(f"{w}:*" for w in words)
        found = [row[0] for row in db.session.execute(sql, {**params, "query": some})]
    return found


def delete_index() -> None:
    """Empty the search tables (used by tests that load a small content set)."""
    if not _is_postgres():
        db.session.execute(text(f"DELETE FROM {FTS_TABLE}"))  # noqa: S608
    db.session.execute(delete(TopicDocument))
    db.session.commit()
