"""A trainee's course: access, lessons in both languages, quizzes over HTTP, assignments."""

from __future__ import annotations

from markupsafe import escape
from sqlalchemy import func, select

from app.extensions import db
from courses.models import AssignmentSubmission, LessonRead, QuizAttempt
from tests.conftest import sign_in_session
from tests.courses.conftest import answer_form

MODULE = "online-communiceren"
BASE = f"/courses/counsellor/{MODULE}"


def _start(client) -> QuizAttempt:
    response = client.post(f"{BASE}/quiz/start")
    assert response.status_code == 302
    return db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))


def test_only_enrolled_trainees_see_the_counsellor_course(client, signed_in, enrolled):
    signed_in("applicant", "trainee")  # accepted, but not enrolled in a cohort yet
    assert client.get("/courses/counsellor/").status_code == 403
    assert "Nog geen training" in client.get("/courses/").get_data(as_text=True)
    trainee = enrolled()
    sign_in_session(client, trainee)
    page = client.get("/courses/counsellor/").get_data(as_text=True)
    assert "Counselortraining" in page and "Online communiceren" in page
    assert client.get("/courses/nope/").status_code == 404
    assert client.get("/courses/counsellor/nope/").status_code == 404


def test_a_lesson_reads_in_both_languages_and_counts_as_read(client, enrolled):
    trainee = enrolled()
    sign_in_session(client, trainee)
    page = client.get(f"{BASE}/01-chatten-zonder-gezicht").get_data(as_text=True)
    assert "<h1>Chatten zonder gezicht</h1>" in page and "<blockquote>" in page and 'lang="nl"' in page
    english = client.get(f"{BASE}/01-chatten-zonder-gezicht?text=en").get_data(as_text=True)
    assert "<h1>Chatting without a face</h1>" in english and "Your mind fills the gaps" in english
    response = client.post(f"{BASE}/01-chatten-zonder-gezicht/read")
    assert response.headers["Location"].endswith(f"{BASE}/02-tempo-en-stiltes")
    client.post(f"{BASE}/01-chatten-zonder-gezicht/read")  # twice counts once
    assert db.session.scalar(select(func.count()).select_from(LessonRead)) == 1
    overview = client.get("/courses/counsellor/").get_data(as_text=True)
    assert "Lessen gelezen: 1 van 3" in overview
    assert "Tempo en stiltes" in overview  # the next step


def test_organisations_in_lessons_render_by_name_and_site(client, enrolled):
    sign_in_session(client, enrolled())
    page = client.get("/courses/counsellor/problemen-en-doorverwijzen/02-de-sociale-kaart").get_data(as_text=True)
    assert "[[org:" not in page
    assert '<a href="https://www.veiligthuis.nl" rel="noopener noreferrer">Veilig Thuis</a>' in page or \
        "Veilig Thuis</a>" in page


def test_a_quiz_is_graded_on_the_server_with_feedback_per_question(client, enrolled, courses):
    trainee = enrolled()
    sign_in_session(client, trainee)
    quiz = courses["counsellor"].module(MODULE).quiz
    attempt = _start(client)
    page = client.get(f"{BASE}/quiz").get_data(as_text=True)
    assert f'action="{BASE}/quiz/{attempt.id}"' in page and page.count('class="card question') == len(quiz.questions)
    response = client.post(f"{BASE}/quiz/{attempt.id}", data=answer_form(quiz, wrong={"q1", "q2"}))
    assert response.status_code == 302
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    expected = (100 * (len(quiz.questions) - 2)) // len(quiz.questions)
    assert f"Je resultaat: {expected}%" in result
    assert result.count("Waarom:") == len(quiz.questions)
    assert str(escape(quiz.questions[0].feedback["nl"][:40])) in result


def test_tampered_answers_are_refused_and_nothing_is_counted(client, enrolled, courses):
    trainee = enrolled()
    sign_in_session(client, trainee)
    quiz = courses["counsellor"].module(MODULE).quiz
    attempt = _start(client)
    foreign = {**answer_form(quiz), "q-q99": "a"}
    response = client.post(f"{BASE}/quiz/{attempt.id}", data=foreign, follow_redirects=True)
    assert "Dit antwoord hoort niet bij deze toets, dus er is niets meegeteld." in response.get_data(as_text=True)
    bad_option = {**answer_form(quiz), "q-q1": "zz"}
    response = client.post(f"{BASE}/quiz/{attempt.id}", data=bad_option, follow_redirects=True)
    assert "noemt een keuze die niet bestaat" in response.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.submitted_at is None and attempt.score is None
    assert client.post(f"{BASE}/quiz/{attempt.id}", data=answer_form(quiz)).status_code == 302
    db.session.refresh(attempt)
    assert attempt.score == 100


def test_an_unanswered_question_keeps_the_answers_given(client, enrolled, courses):
    sign_in_session(client, enrolled())
    quiz = courses["counsellor"].module(MODULE).quiz
    attempt = _start(client)
    form = answer_form(quiz)
    del form["q-q3"]
    response = client.post(f"{BASE}/quiz/{attempt.id}", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Beantwoord elke vraag voordat je inlevert." in page and 'href="#question-q3"' in page
    assert 'value="b" checked' in page  # q1's answer is still there


def test_attempts_are_limited_and_the_best_score_is_kept(client, enrolled, courses):
    sign_in_session(client, enrolled())
    quiz = courses["counsellor"].module(MODULE).quiz
    scores = []
    for wrong in ({"q1", "q2", "q3", "q4"}, set(), {"q1"}):
        attempt = _start(client)
        client.post(f"{BASE}/quiz/{attempt.id}", data=answer_form(quiz, wrong=wrong))
        db.session.refresh(attempt)
        scores.append(attempt.score)
    assert scores[1] == 100 and scores[0] < 70
    response = client.post(f"{BASE}/quiz/start", follow_redirects=True)
    assert "Je hebt alle 3 pogingen voor deze toets gebruikt." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 3
    module_page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Beste score: 100%" in module_page
    again = client.post(f"{BASE}/quiz/{attempt.id}", data=answer_form(quiz), follow_redirects=True)
    assert "Deze poging is al ingeleverd" in again.get_data(as_text=True)


def test_someone_elses_attempt_is_refused(client, enrolled, courses):
    first = enrolled()
    sign_in_session(client, first)
    attempt = _start(client)
    sign_in_session(client, enrolled())
    quiz = courses["counsellor"].module(MODULE).quiz
    assert client.post(f"{BASE}/quiz/{attempt.id}", data=answer_form(quiz)).status_code == 403
    assert client.post(f"/courses/counsellor/vijf-fasenmodel/quiz/{attempt.id}", data={}).status_code == 404


def test_a_trainee_hands_in_an_assignment_once_until_it_is_reviewed(client, enrolled):
    sign_in_session(client, enrolled())
    url = f"{BASE}/assignments/eerste-berichten-bij-twijfel"
    page = client.get(url).get_data(as_text=True)
    assert "dinsdagavond" in page and "<blockquote>" in page
    empty = client.post(url, data={"text": "   "})
    assert "Schrijf je antwoord voordat je het inlevert." in empty.get_data(as_text=True)
    assert client.post(url, data={"text": "Hoi, fijn dat je er bent."}).status_code == 302
    twice = client.post(url, data={"text": "Nog een keer"}, follow_redirects=True)
    assert db.session.scalar(select(func.count()).select_from(AssignmentSubmission)) == 1
    assert "Wacht op beoordeling" in twice.get_data(as_text=True)
