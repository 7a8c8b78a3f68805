"""Tables of the public help side: the search index of topics, reads and "did this help?",
the peer forum, opening hours and holidays, and reach figures without personal data."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

# SQLite keeps the topic search in an FTS5 table (and its shadow tables) that the migration
# creates by hand: the ORM does not manage it, so model/migration comparisons skip it.
FTS_TABLE = "topic_search"
db.metadata.info.setdefault("unmanaged_table_prefixes", set()).add(FTS_TABLE)

SEARCH_VECTOR = Text().with_variant(TSVECTOR(), "postgresql")


class TopicDocument(db.Model):
    """One language of one topic as loaded by `flask live_help load`: what search looks in."""

    __tablename__ = "topic_documents"
    __table_args__ = (
        UniqueConstraint("slug", "lang"),
        Index("ix_topic_documents_search", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    lang: Mapped[str] = mapped_column(String(5))
    category: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300))
    terms: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    # PostgreSQL: the weighted tsvector (dutch or english configuration); SQLite: unused.
    search_vector: Mapped[str | None] = mapped_column(SEARCH_VECTOR)


class TopicStat(db.Model):
    """Anonymous counts per topic: how often read, and the answers to "did this help?"."""

    __tablename__ = "topic_stats"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    reads: Mapped[int] = mapped_column(Integer, default=0)
    helped_yes: Mapped[int] = mapped_column(Integer, default=0)
    helped_no: Mapped[int] = mapped_column(Integer, default=0)


POST_STATUSES = ("pending", "held", "published", "rejected", "invited", "deleted")


class ForumPost(db.Model):
    """A question (question_id is None) or a reply on the peer forum, under a nickname.

    Young people's posts carry the hash of their secret key; a counsellor's reply carries
    the account instead and shows a badge. Everything is plain text, escaped when shown.
    """

    __tablename__ = "forum_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    nickname: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(Text)
    key_hash: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    hold_reasons: Mapped[list] = mapped_column(JSON, default=list)
    risk_level: Mapped[str] = mapped_column(String(10), default="none")
    risk_categories: Mapped[list] = mapped_column(JSON, default=list)
    counsellor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invitation: Mapped[str] = mapped_column(String(10), default="")  # "" | chat | mail
    invitation_note: Mapped[str] = mapped_column(Text, default="")
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]

    question: Mapped[ForumPost | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[ForumPost]] = relationship(back_populates="question", order_by="ForumPost.id",
                                                    cascade="all, delete-orphan")
    counsellor = relationship("User", foreign_keys=[counsellor_id])
    moderated_by = relationship("User", foreign_keys=[moderated_by_id])

    @property
    def is_question(self) -> bool:
        return self.question_id is None

    @property
    def is_counsellor(self) -> bool:
        return self.counsellor_id is not None

    @property
    def published_replies(self) -> list[ForumPost]:
        return [r for r in self.replies if r.status == "published"]


class ForumReport(db.Model):
    """Someone reported a post; a moderator looks at it."""

    __tablename__ = "forum_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    post: Mapped[ForumPost] = relationship()


class OpeningSlot(db.Model):
    """Chat is open on `weekday` (0 = Monday) from `opens` to `closes`, Amsterdam time."""

    __tablename__ = "opening_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, index=True)
    opens: Mapped[time]
    closes: Mapped[time]


class Holiday(db.Model):
    """A day on which chat is closed (or open at other hours), set by a coordinator."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(80))
    opens: Mapped[time | None]
    closes: Mapped[time | None]


class ReachDay(db.Model):
    """Figures for one day: unique visitors and page views. Nothing about who."""

    __tablename__ = "reach_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    visitors: Mapped[int] = mapped_column(Integer, default=0)
    page_views: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)


class ReachSalt(db.Model):
    """Today's random salt; deleted with the visitor hashes when the day is over."""

    __tablename__ = "reach_salts"

    day: Mapped[date] = mapped_column(primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))


class ReachVisitor(db.Model):
    """A salted hash seen today, so that a visitor is counted once; gone after the day."""

    __tablename__ = "reach_visitors"
    __table_args__ = (UniqueConstraint("day", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    digest: Mapped[str] = mapped_column(String(64))
