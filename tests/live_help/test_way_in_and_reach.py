"""The way into chat and mail on every public page (opening hours and holidays that a
coordinator manages), and reach counted without cookies or stored addresses."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.timeutil import freeze
from live_help import reach
from live_help.models import Holiday, OpeningSlot, ReachDay, ReachSalt, ReachVisitor
from live_help.schedule import chat_status, forget_cached
from tests.conftest import sign_in_session


@pytest.fixture
def clock():
    yield freeze
    freeze(None)


@pytest.fixture
def weekday_hours(app):
    for weekday in range(5):
        db.session.add(OpeningSlot(weekday=weekday, opens=time(16), closes=time(22)))
    db.session.commit()
    forget_cached()


# Monday 23 November 2026; Amsterdam is UTC+1 in winter.
MONDAY_17H = datetime(2026, 11, 23, 16, 0)   # 17:00 in Amsterdam
MONDAY_23H = datetime(2026, 11, 23, 22, 0)   # 23:00 in Amsterdam
SATURDAY_NOON = datetime(2026, 11, 28, 11, 0)


def test_chat_is_open_within_the_hours(weekday_hours, client, clock):
    clock(MONDAY_17H)
    status = chat_status(MONDAY_17H)
    assert status.is_open and status.closes_at.hour == 22
    html = client.get("/").get_data(as_text=True)
    assert "De chat is nu open" in html and "tot 22:00 uur" in html and "Begin een chat" in html


def test_when_closed_the_way_in_shows_the_next_opening_mail_and_urgent_numbers(weekday_hours, client, clock):
    clock(SATURDAY_NOON)
    status = chat_status(SATURDAY_NOON)
    assert not status.is_open and status.next_opening == datetime(2026, 11, 30, 16, 0, tzinfo=status.next_opening.tzinfo)
    for url in ("/", "/forum", "/chat-en-mail", "/privacy", "/zoeken?q=x"):
        html = client.get(url).get_data(as_text=True)
        assert "De chat is nu dicht." in html, url
        assert "maandag 30 november om 16:00" in html, url
        assert 'href="/chat-en-mail#mail"' in html and 'href="tel:112"' in html and 'href="tel:113"' in html, url
        assert "Begin een chat" not in html


def test_a_holiday_closes_the_chat(weekday_hours, app, clock):
    db.session.add(Holiday(day=date(2026, 12, 25), name="Eerste Kerstdag"))
    db.session.add(Holiday(day=date(2026, 12, 26), name="Tweede Kerstdag", opens=time(19), closes=time(21)))
    db.session.commit()
    forget_cached()
    christmas = datetime(2026, 12, 25, 17, 0)  # a Friday, 18:00 in Amsterdam
    assert not chat_status(christmas).is_open
    assert chat_status(christmas).next_opening.day == 26 and chat_status(christmas).next_opening.hour == 19
    assert chat_status(datetime(2026, 12, 26, 18, 30)).is_open


def test_a_coordinator_sets_the_hours_and_holidays(app, client, signed_in, clock):
    signed_in("coordinator")
    response = client.post("/hulp-beheer/openingstijden", data={"day0": "09:00-12:00, 16:00-22:00", "day5": "",
                                                                 "day6": "19:00-22:00"})
    assert response.status_code == 302
    slots = db.session.scalars(sa.select(OpeningSlot).order_by(OpeningSlot.weekday, OpeningSlot.opens)).all()
    assert [(s.weekday, s.opens, s.closes) for s in slots] == [
        (0, time(9), time(12)), (0, time(16), time(22)), (6, time(19), time(22))]
    bad = client.post("/hulp-beheer/openingstijden", data={"day0": "22:00-16:00", "day1": "morgen"})
    assert bad.status_code == 200 and "Schrijf tijden als 16:00-22:00" in bad.get_data(as_text=True)
    assert len(db.session.scalars(sa.select(OpeningSlot)).all()) == 3  # nothing stored half
    added = client.post("/hulp-beheer/vrije-dagen", data={"day": "2026-12-31", "name": "Oudjaar", "hours": "19:00-21:00"})
    assert added.status_code == 302
    holiday = db.session.scalar(sa.select(Holiday))
    assert (holiday.name, holiday.opens, holiday.closes) == ("Oudjaar", time(19), time(21))
    assert "Oudjaar" in app.test_client().get("/chat-en-mail").get_data(as_text=True)
    assert client.post(f"/hulp-beheer/vrije-dagen/{holiday.id}/verwijderen").status_code == 302
    assert db.session.scalar(sa.select(Holiday)) is None


def test_counsellors_cannot_change_opening_hours(client, signed_in):
    signed_in("counsellor")
    assert client.post("/hulp-beheer/openingstijden", data={"day0": "00:00-23:00"}).status_code == 403


def test_reach_counts_unique_visitors_and_page_views_without_cookies_or_addresses(app, clock):
    clock(datetime(2026, 11, 23, 10))
    first = app.test_client()
    second = app.test_client()
    for _ in range(3):
        response = first.get("/", environ_base={"REMOTE_ADDR": "203.0.113.7"}, headers={"User-Agent": "Phone A"})
        assert "Set-Cookie" not in response.headers
    second.get("/forum", environ_base={"REMOTE_ADDR": "198.51.100.4"}, headers={"User-Agent": "Phone B"})
    first.get("/static/css/hulpmix.css", environ_base={"REMOTE_ADDR": "203.0.113.7"}).close()  # not a page
    reach.flush(app.extensions["hulpmix.reach"])
    assert reach.figures() == [(date(2026, 11, 23), 2, 4)]

    stored = []
    with db.engine.connect() as conn:
        for table in (ReachDay.__table__, ReachVisitor.__table__, ReachSalt.__table__):
            stored += [str(value) for row in conn.execute(sa.select(table)) for value in row]
    assert not [v for v in stored if "203.0.113.7" in v or "198.51.100.4" in v or "Phone" in v]

    # The next day: yesterday becomes two numbers, its hashes and salt are gone.
    clock(datetime(2026, 11, 24, 9))
    first.get("/", environ_base={"REMOTE_ADDR": "203.0.113.7"}, headers={"User-Agent": "Phone A"})
    reach.flush(app.extensions["hulpmix.reach"])
    assert reach.figures() == [(date(2026, 11, 24), 1, 1), (date(2026, 11, 23), 2, 4)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReachVisitor)
                             .where(ReachVisitor.day < date(2026, 11, 24))) == 0
    assert [s.day for s in db.session.scalars(sa.select(ReachSalt))] == [date(2026, 11, 24)]


def test_staff_visits_are_not_counted_and_coordinators_see_the_figures(app, make_user, clock):
    clock(datetime(2026, 11, 23, 10))
    staff = app.test_client()
    sign_in_session(staff, make_user("coordinator"))
    staff.get("/")
    html = staff.get("/hulp-beheer/bereik").get_data(as_text=True)
    assert "Bereikcijfers" in html and "Nog geen bezoeken geteld." in html
    app.test_client().get("/onderwerp/ruzie-met-ouders")
    html = staff.get("/hulp-beheer/bereik").get_data(as_text=True)
    assert "maandag 23 november" in html and "Ruzie met je ouders" in html
