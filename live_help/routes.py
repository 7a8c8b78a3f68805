"""Public pages for young people: no account, nothing that identifies them; and the pages
where counsellors moderate the forum and coordinators set the opening hours."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from limits import parse as parse_limit

from app.extensions import csrf, db, limiter
from app.permissions import public, roles_required
from app.ratelimit import client_key
from app.timeutil import utcnow
from live_help import forms, reach, search, services
from live_help.models import ForumPost, Holiday
from live_help.rendering import help_content, rendered_topic
from live_help.schedule import chat_status, current_schedule

bp = Blueprint("live_help", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/live_help")

URGENT = ("alarmnummer-112", "zelfmoordpreventie-113", "kindertelefoon", "veilig-thuis")
MODERATORS = ("counsellor", "supervisor")


def _locale() -> str:
    return g.get("help_locale") or _current_locale()


def _current_locale() -> str:
    from flask_babel import get_locale

    locale = str(get_locale() or "nl")
    g.help_locale = locale if locale in ("nl", "en") else "nl"
    return g.help_locale


PAGE_SECONDS = 20
PAGE_CACHE_SIZE = 2000


def _shared_page(render):
    """A reading page as every anonymous visitor sees it, kept 20 seconds per process.

    Only for visitors without a session cookie (no login, no flashed message, no language
    chosen in the session): their page depends on the URL and the language alone."""
    if request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]) or current_user.is_authenticated:
        return render()
    from live_help.schedule import schedule_version

    cache = current_app.extensions.setdefault("hulpmix.help_pages", {})
    key = (request.full_path, _locale(), schedule_version())
    now = time.monotonic()
    hit = cache.get(key)
    if hit is not None and now - hit[0] < PAGE_SECONDS:
        return hit[1]
    html = render()
    if len(cache) >= PAGE_CACHE_SIZE:
        cache.clear()
    cache[key] = (now, html)
    return html


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _within_limit(name: str) -> bool:
    """A friendly flood check for young people's posts, keyed without an IP address."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    item = parse_limit(current_app.config.get("FORUM_RATE_LIMIT", "5 per 10 minutes"))
    return limiter.limiter.hit(item, f"forum-{name}", client_key())


# --- reading ----------------------------------------------------------------------------------
@bp.route("/")
@public
def home():
    return _shared_page(_home)


def _home():
    content = help_content()
    popular = [content.topics[slug] for slug in services.most_read(set(content.topics))]
    return render_template("live_help/home.html", categories=content.categories, popular=popular,
                           urgent=[content.organisations[key] for key in URGENT],
                           counts={c.key: len(content.topics_in(c.key)) for c in content.categories})


@bp.route("/categorie/<key>")
@public
def category(key: str):
    content = help_content()
    found = content.category(key)
    if found is None:
        abort(404)
    return _shared_page(lambda: _category(content, found))


def _category(content, found):
    key = found.key
    topics = sorted(content.topics_in(key), key=lambda t: t.title[_locale()].lower())
    return render_template("live_help/category.html", category=found, topics=topics,
                           categories=content.categories)


@bp.route("/onderwerp/<slug>")
@public
def topic(slug: str):
    content = help_content()
    found = content.topics.get(slug)
    if found is None:
        abort(404)
    reach.count_read(current_app.extensions["hulpmix.reach"], slug)
    return _shared_page(lambda: _topic(content, found))


def _topic(content, found):
    slug = found.slug
    lang = _locale()
    known = set(content.topics)
    popular = [content.topics[s] for s in services.most_read(known) if s != slug][:4]
    return render_template(
        "live_help/topic.html", topic=found, body=rendered_topic(found, lang),
        category=content.category(found.category),
        related=[content.topics[s] for s in found.related if s in content.topics],
        popular=popular,
    )


@bp.route("/onderwerp/<slug>/feedback", methods=["POST"])
@public
@csrf.exempt  # an anonymous counter: no session to protect, and no cookie on every topic page
@limiter.limit("30 per hour", methods=["POST"])
def feedback(slug: str):
    content = help_content()
    if slug not in content.topics:
        abort(404)
    answer = request.form.get("helped")
    if answer not in ("yes", "no"):
        flash(_("Choose yes or no."), "error")
        return redirect(url_for(".topic", slug=slug) + "#feedback")
    services.record_feedback(slug, answer == "yes")
    flash(_("Thank you! This helps us improve the page."), "success")
    return redirect(url_for(".topic", slug=slug) + "#feedback")


@bp.route("/zoeken")
@public
def search_page():
    return _shared_page(_search_page)


def _search_page():
    query = request.args.get("q", "")[: search.MAX_QUERY]
    content = help_content()
    results = []
    if query.strip():
        results = [content.topics[s] for s in search.search(query, _locale()) if s in content.topics]
    return render_template("live_help/search.html", query=query, results=results,
                           searched=bool(query.strip()), categories=content.categories)


@bp.route("/chat-en-mail")
@public
def chat_and_mail():
    return _shared_page(_chat_and_mail)


def _chat_and_mail():
    schedule = current_schedule()
    today = utcnow().date()
    upcoming = sorted((day, name, hours) for day, (name, hours) in schedule.holidays.items() if day >= today)
    return render_template("live_help/chat_and_mail.html", schedule=schedule, status=chat_status(utcnow(), schedule),
                           upcoming=upcoming[:6], weekdays=forms.WEEKDAY_LABELS,
                           urgent=[help_content().organisations[k] for k in URGENT[:2]])


# --- the peer forum ---------------------------------------------------------------------------
def _post_or_404(post_id: int) -> ForumPost:
    post = db.session.get(ForumPost, post_id)
    if post is None:
        abort(404)
    return post


def _visible_question(post_id: int) -> ForumPost:
    post = _post_or_404(post_id)
    if not post.is_question or post.status != "published":
        abort(404)
    return post


@bp.route("/forum")
@public
def forum():
    return render_template("live_help/forum.html", questions=services.published_questions())


@bp.route("/forum/vraag", methods=["GET", "POST"])
@public
def ask():
    form = forms.QuestionForm()
    if form.validate_on_submit():
        if not _within_limit("post"):
            return render_template("live_help/ask.html", form=form, slow_down=True), 429
        posted = services.ask_question(form.nickname.data, form.title.data, form.body.data)
        return _no_store(render_template("live_help/posted.html", post=posted.post, key=posted.key))
    return render_template("live_help/ask.html", form=form, slow_down=False)


@bp.route("/forum/<int:post_id>")
@public
def question(post_id: int):
    post = _visible_question(post_id)
    moderator = current_user.is_authenticated and current_user.has_role("admin", *MODERATORS)
    return render_template("live_help/question.html", post=post, form=forms.ReplyForm(),
                           counsellor_form=forms.CounsellorReplyForm() if moderator else None)


@bp.route("/forum/<int:post_id>/reageren", methods=["POST"])
@public
def reply(post_id: int):
    post = _visible_question(post_id)
    form = forms.ReplyForm()
    if not form.validate_on_submit():
        return render_template("live_help/question.html", post=post, form=form, counsellor_form=None), 400
    if not _within_limit("post"):
        return render_template("live_help/question.html", post=post, form=form, counsellor_form=None,
                               slow_down=True), 429
    posted = services.reply(post, form.nickname.data, form.body.data)
    return _no_store(render_template("live_help/posted.html", post=posted.post, key=posted.key))


@bp.route("/forum/bericht/<int:post_id>/beheren", methods=["GET", "POST"])
@public
def manage(post_id: int):
    """The writer comes back with their secret key: see the status, edit or delete."""
    post = _post_or_404(post_id)
    if post.is_counsellor or post.status == "deleted":
        abort(404)
    key_form = forms.KeyForm()

    def key_page(message: str | None = None, status: int = 200, slow_down: bool = False):
        if message:
            key_form.key.errors = [message]
        return _no_store(render_template("live_help/manage_key.html", post=post, form=key_form,
                                         slow_down=slow_down)), status

    def edit_page(form, key: str, status: int = 200):
        return _no_store(render_template("live_help/manage.html", post=post, form=form,
                                         delete_form=forms.DeleteForm(formdata=None, key=key))), status

    if request.method == "GET":
        return key_page()
    if not _within_limit("key"):
        return key_page(slow_down=True, status=429)
    key = (request.form.get("key") or "").strip()
    if not key:
        return key_page(_("Enter the secret key you got when you posted."), 400)
    if not services.key_fits(post, key):
        return key_page(_("This key does not fit this post. Check that you copied all of it."), 403)
    if request.form.get("delete"):
        services.delete_post(post, key)
        return _no_store(render_template("live_help/deleted.html", post_id=post.id))
    if not request.form.get("save"):
        return edit_page(forms.EditForm(formdata=None, key=key, title=post.title, body=post.body), key)
    form = forms.EditForm()
    if post.is_question and len(form.title.data or "") < 5:
        form.validate()
        form.title.errors = [*form.title.errors, _("Write your question in one line.")]
        return edit_page(form, key, 400)
    if not form.validate():
        return edit_page(form, key, 400)
    try:
        services.edit(post, key, form.title.data or "", form.body.data)
    except services.ForumError:
        abort(404)
    flash(_("Saved. A moderator reads your post again before it appears."), "success")
    return edit_page(form, key)


@bp.route("/forum/bericht/<int:post_id>/melden", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"])
def report(post_id: int):
    post = _post_or_404(post_id)
    if post.status != "published":
        abort(404)
    form = forms.ReportForm()
    if form.validate_on_submit():
        services.report(post, form.reason.data, form.note.data or "")
        flash(_("Thank you. A moderator will look at it soon."), "success")
        return redirect(url_for(".question", post_id=post.question_id or post.id))
    return render_template("live_help/report.html", post=post, form=form)


# --- moderators -------------------------------------------------------------------------------
@bp.route("/forum/moderatie")
@roles_required(*MODERATORS)
def moderation():
    return render_template("live_help/moderation.html", queue=services.moderation_queue())


@bp.route("/forum/moderatie/<int:post_id>", methods=["GET", "POST"])
@roles_required(*MODERATORS)
def moderate(post_id: int):
    post = _post_or_404(post_id)
    if post.status == "deleted" or post.is_counsellor:
        abort(404)
    # A worrying post is suggested as an invitation to chat rather than as a forum post.
    form = forms.ModerationForm(decision="chat" if post.risk_level != "none" else "approve")
    if form.validate_on_submit():
        services.moderate(post, current_user, form.decision.data, form.note.data or "")
        flash(_("Decision saved."), "success")
        return redirect(url_for(".moderation"))
    return render_template("live_help/moderate.html", post=post, form=form, reports=services.open_reports(post))


@bp.route("/forum/<int:post_id>/counselor", methods=["POST"])
@roles_required(*MODERATORS)
def counsellor_reply(post_id: int):
    post = _visible_question(post_id)
    form = forms.CounsellorReplyForm()
    if not form.validate_on_submit():
        return render_template("live_help/question.html", post=post, form=forms.ReplyForm(formdata=None),
                               counsellor_form=form), 400
    services.counsellor_reply(post, current_user, form.body.data)
    flash(_("Your reply is published with a counsellor badge."), "success")
    return redirect(url_for(".question", post_id=post.id))


# --- coordinators -----------------------------------------------------------------------------
def _format_ranges(ranges) -> str:
    return ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in ranges)


@bp.route("/hulp-beheer/openingstijden", methods=["GET", "POST"])
@roles_required("coordinator")
def opening_hours():
    schedule = current_schedule()
    form = forms.HoursForm(data={f"day{d}": _format_ranges(schedule.slots.get(d, ())) for d in range(7)})
    holiday_form = forms.HolidayForm(formdata=None)
    if form.validate_on_submit():
        services.set_week({d: forms.parse_ranges(form[f"day{d}"].data) for d in range(7)}, current_user)
        flash(_("Opening hours saved."), "success")
        return redirect(url_for(".opening_hours"))
    return _hours_page(form, holiday_form)


def _hours_page(form, holiday_form, status: int = 200):
    holidays = db.session.scalars(db.select(Holiday).order_by(Holiday.day)).all()
    return render_template("live_help/opening_hours.html", form=form, holiday_form=holiday_form,
                           holidays=holidays, status=chat_status(utcnow())), status


@bp.route("/hulp-beheer/vrije-dagen", methods=["POST"])
@roles_required("coordinator")
def add_holiday():
    schedule = current_schedule()
    form = forms.HoursForm(formdata=None, data={f"day{d}": _format_ranges(schedule.slots.get(d, ())) for d in range(7)})
    holiday_form = forms.HolidayForm()
    if holiday_form.validate_on_submit():
        ranges = forms.parse_ranges(holiday_form.hours.data)
        opens, closes = ranges[0] if ranges else (None, None)
        services.add_holiday(holiday_form.day.data, holiday_form.name.data, opens, closes, current_user)
        flash(_("Day saved."), "success")
        return redirect(url_for(".opening_hours"))
    return _hours_page(form, holiday_form, 400)


@bp.route("/hulp-beheer/vrije-dagen/<int:holiday_id>/verwijderen", methods=["POST"])
@roles_required("coordinator")
def remove_holiday(holiday_id: int):
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        abort(404)
    services.remove_holiday(holiday, current_user)
    flash(_("Day removed."), "success")
    return redirect(url_for(".opening_hours"))


@bp.route("/hulp-beheer/bereik")
@roles_required("coordinator")
def reach_figures():
    reach.flush(current_app.extensions["hulpmix.reach"])
    content = help_content()
    stats = [(content.topics[s.slug], s) for s in services.topic_stats() if s.slug in content.topics]
    return render_template("live_help/reach.html", days=reach.figures(), stats=stats[:30])
