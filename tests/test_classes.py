"""Classes, question sets, sessions, the class dashboard, figures and export, through the web
layer: every page for every role, a student inside and outside the class, one who left."""
import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from interview.classes import services
from interview.classes.dashboard import class_grids
from interview.classes.export import guarded
from interview.classes.figures import class_figures
from interview.extensions import db
from interview.models import (Attempt, ClassMembership, Classroom, MockSession, Notice, Question, QuestionSet,
                              RubricCriterion, RubricMark, Score, SessionItem, User)
from interview.scoring import record_scores
from tests.conftest import ESSAY_LIKE_ANSWER, AuthActions, csrf_token_from

FORMAT = "%Y-%m-%dT%H:%M"


class Person:
    """One signed-in browser: its own cookies, its own CSRF token."""

    def __init__(self, app, email: str, role: str = "candidate", name: str | None = None):
        self.app, self.client = app, app.test_client()
        self.name = name or email.split("@")[0].capitalize()
        self.id = AuthActions(app, self.client).signup_and_login(email=email, name=self.name, role=role)
        self.token = csrf_token_from(self.client.get("/"))

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict | None = None, token: bool = True):
        form = {"csrf_token": self.token} if token else {}
        return self.client.post(url, data=form | (data or {}))


@pytest.fixture
def person(app):
    return lambda email, role="candidate", name=None: Person(app, email, role, name)


def query(app, fn):
    with app.app_context():
        return fn()


def moment(**delta) -> str:
    return (datetime.now(timezone.utc) + timedelta(**delta)).strftime(FORMAT)


def make_class(instructor: Person, name: str = "Interview skills") -> tuple[int, str]:
    response = instructor.post("/classes", {"name": name, "description": "Spring cohort"})
    assert response.status_code == 302, response.data[:300]
    class_id = int(re.search(r"/classes/(\d+)$", response.headers["Location"]).group(1))
    return class_id, query(instructor.app, lambda: db.session.get(Classroom, class_id).join_code)


def join(student: Person, code: str):
    return student.post(f"/join/{code}")


def make_set(owner: Person, question_ids=(1, 2, 3), name: str = "Core questions") -> int:
    response = owner.post("/sets", {"name": name})
    set_id = int(re.search(r"/sets/(\d+)$", response.headers["Location"]).group(1))
    assert owner.post(f"/sets/{set_id}/bank", {"question_ids": [str(q) for q in question_ids]}).status_code == 302
    return set_id


def set_question_ids(app, set_id: int) -> list[int]:
    return query(app, lambda: [item.question_id for item in db.session.get(QuestionSet, set_id).items])


def session_data(question_ids, classroom_id=0, title="Mock one", opens=None, closes=None, retakes=False,
                 modes=None, limits=None, include=None, positions=None) -> dict:
    data = {"title": title, "classroom_id": str(classroom_id), "opens_at": opens or moment(hours=-1),
            "closes_at": closes or moment(days=2)}
    if retakes:
        data["retakes_allowed"] = "y"
    for n, question_id in enumerate(question_ids):
        data |= {f"items-{n}-question_id": str(question_id), f"items-{n}-position": str((positions or {}).get(n, n + 1)),
                 f"items-{n}-mode": (modes or {}).get(n, "text"), f"items-{n}-time_limit": str((limits or {}).get(n, 90))}
        if (include or {}).get(n, True):
            data[f"items-{n}-include"] = "y"
    return data


def make_session(owner: Person, set_id: int, classroom_id: int = 0, **options) -> int:
    data = session_data(set_question_ids(owner.app, set_id), classroom_id, **options)
    response = owner.post(f"/sets/{set_id}/sessions/new", data)
    assert response.status_code == 302, response.data.decode()[-1500:]
    return int(re.search(r"/sessions/(\d+)/edit$", response.headers["Location"]).group(1))


def items_of(app, session_id: int) -> list[SessionItem]:
    def load():
        items = db.session.get(MockSession, session_id).items
        for item in items:
            db.session.expunge(item)
        return items
    return query(app, load)


def answer_in_writing(student: Person, item: SessionItem):
    url = f"/text/questions/{item.question_id}?session_item={item.id}"
    student.get(url)
    return student.post(url, {"answer": ESSAY_LIKE_ANSWER})


def add_attempt(app, user_id: int, item: SessionItem, status: str, modality: str = "video", scores=None) -> int:
    """A recorded answer in a given state, as the job worker would leave it."""
    def insert():
        attempt = Attempt(user_id=user_id, question_id=item.question_id, modality=modality, status=status,
                          source="recording", session_item_id=item.id)
        attempt.scores = [Score(user_id=user_id, question_id=item.question_id, modality=modality, name=name,
                                value=value) for name, value in (scores or {}).items()]
        db.session.add(attempt)
        record_scores(attempt)
        db.session.commit()
        return attempt.id
    return query(app, insert)


@pytest.fixture
def classroom(person, fake_model):
    """An instructor's class with one student in it and an open session of three written questions."""
    ivy = person("ivy@example.com", "instructor", "Ivy")
    sam = person("sam@example.com", "candidate", "Sam")
    class_id, code = make_class(ivy)
    assert join(sam, code).status_code == 302
    set_id = make_set(ivy)
    session_id = make_session(ivy, set_id, class_id)
    return {"ivy": ivy, "sam": sam, "class_id": class_id, "code": code, "set_id": set_id,
            "session_id": session_id, "items": items_of(ivy.app, session_id)}


# --- classes and joining -------------------------------------------------------------------------

def test_an_instructor_creates_a_class_with_a_short_code_and_an_invite_link(person, app):
    ivy = person("ivy@example.com", "instructor", "Ivy")
    class_id, code = make_class(ivy, "Bootcamp <b>7</b>")
    assert re.fullmatch(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}", code)
    page = ivy.get(f"/classes/{class_id}").data.decode()
    assert code in page and f"http://localhost/join/{code}" in page
    assert "Bootcamp &lt;b&gt;7&lt;/b&gt;" in page  # escaped, never markup
    listing = ivy.get("/classes").data.decode()
    assert f"/classes/{class_id}" in listing and code in listing
    home = ivy.get("/").data.decode()
    assert 'id="my-teaching"' in home and f"/classes/{class_id}" in home
    assert f'href="/classes/{class_id}/rubric"' in page  # the feedback feature's rubric page


def test_a_class_needs_a_name(person):
    ivy = person("ivy@example.com", "instructor")
    response = ivy.post("/classes", {"name": "  ", "description": ""})
    assert response.status_code == 400 and b"This field is required." in response.data
    assert ivy.post("/classes", {"name": "x" * 121}).status_code == 400


def test_join_codes_avoid_codes_already_taken(person, app, monkeypatch):
    ivy = person("ivy@example.com", "instructor")
    _, taken = make_class(ivy)
    letters = iter(taken + "AAAAAAAA")
    monkeypatch.setattr(services.secrets, "choice", lambda alphabet: next(letters))
    _, second = make_class(ivy, "Second")
    assert second == "AAAAAAAA" != taken


def test_class_pages_are_for_instructors_and_admins(person, client):
    assert client.get("/classes").status_code == 302  # signed out: to the sign-in page
    for role in ("candidate", "recruiter"):
        someone = person(f"{role}@example.com", role)
        assert someone.get("/classes").status_code == 403
        assert someone.post("/classes", {"name": "Mine"}).status_code == 403
    admin = person("admin@example.com", "admin")
    assert admin.get("/classes").status_code == 200
    make_class(admin)


def test_a_student_joins_by_code_after_reading_what_the_instructor_will_see(person, app):
    ivy = person("ivy@example.com", "instructor", "Ivy")
    class_id, code = make_class(ivy)
    sam = person("sam@example.com")
    typed = sam.post("/join", {"code": f" {code[:4].lower()}-{code[4:]} "})
    assert typed.status_code == 302 and typed.headers["Location"] == f"/join/{code}"
    page = sam.get(f"/join/{code}").data.decode()
    assert "What Ivy will see" in page and "Not your other practice" in page and "recordings" in page
    assert query(app, lambda: services.membership(class_id, sam.id)) is None  # nothing until confirmed
    joined = join(sam, code)
    assert joined.status_code == 302 and joined.headers["Location"] == "/my-classes"
    assert "Interview skills" in sam.get("/my-classes").data.decode()
    assert "already in this class" in sam.get(f"/join/{code}").data.decode()
    assert 'id="students"' in ivy.get(f"/classes/{class_id}").data.decode()
    assert "sam@example.com" in ivy.get(f"/classes/{class_id}").data.decode()


def test_wrong_codes_say_so(person):
    sam = person("sam@example.com")
    unknown = sam.post("/join", {"code": "ZZZZZZZZ"})
    assert unknown.status_code == 404 and b"No class has this code" in unknown.data
    assert sam.post("/join", {"code": ""}).status_code == 400
    for bad in ("ZZZZZZZZ", "0O1IL", "x" * 300, "%3Cscript%3E"):
        response = sam.get(f"/join/{bad}")
        assert response.status_code == 404 and b"does not lead to a class" in response.data
    assert sam.get("/join").status_code == 302


def test_the_invite_link_asks_to_sign_in_first_and_the_instructor_gets_their_class(person, client, app):
    ivy = person("ivy@example.com", "instructor")
    class_id, code = make_class(ivy)
    response = client.get(f"/join/{code}")
    assert response.status_code == 302 and f"next=/join/{code}" in response.headers["Location"]
    own = ivy.get(f"/join/{code}")
    assert own.status_code == 302 and own.headers["Location"] == f"/classes/{class_id}"
    ivy.post(f"/join/{code}")
    assert query(app, lambda: services.membership(class_id, ivy.id)) is None


def test_every_post_needs_its_csrf_token(classroom):
    sam, ivy = classroom["sam"], classroom["ivy"]
    assert sam.post(f"/my-classes/{classroom['class_id']}/leave", token=False).status_code == 400
    assert ivy.post("/classes", {"name": "No token"}, token=False).status_code == 400
    assert ivy.post(f"/classes/{classroom['class_id']}/code", token=False).status_code == 400
    assert ivy.post("/sets", {"name": "No token"}, token=False).status_code == 400
    assert ivy.post(f"/sessions/{classroom['session_id']}/delete", {"sure": "y"}, token=False).status_code == 400
    assert query(ivy.app, lambda: services.is_current_member(db.session.get(Classroom, classroom["class_id"]),
                                                             db.session.get(User, sam.id)))


def test_leaving_ends_the_instructors_access_at_once_and_rejoining_restores_it(classroom):
    sam, ivy, app = classroom["sam"], classroom["ivy"], classroom["ivy"].app
    assert answer_in_writing(sam, classroom["items"][0]).status_code == 302
    attempt_id = query(app, lambda: db.session.scalar(select(Attempt.id).where(Attempt.user_id == sam.id)))
    assert ivy.get(f"/attempts/{attempt_id}/report").status_code == 200
    confirm = sam.get(f"/my-classes/{classroom['class_id']}/leave")
    assert confirm.status_code == 200 and b"no longer sees any of your answers" in confirm.data
    assert sam.post(f"/my-classes/{classroom['class_id']}/leave").status_code == 302
    assert ivy.get(f"/attempts/{attempt_id}/report").status_code == 404
    assert f'data-student="{sam.id}"' not in ivy.get(f"/classes/{classroom['class_id']}/dashboard").data.decode()
    assert "sam@example.com" not in ivy.get(f"/classes/{classroom['class_id']}/export.csv").data.decode()
    assert sam.get(f"/sessions/{classroom['session_id']}").status_code == 404
    assert sam.get(f"/my-classes/{classroom['class_id']}/leave").status_code == 404  # not in it any more
    assert sam.get(f"/attempts/{attempt_id}/report").status_code == 200  # still theirs
    assert join(sam, classroom["code"]).status_code == 302  # rejoining is allowed
    assert ivy.get(f"/attempts/{attempt_id}/report").status_code == 200
    assert query(app, lambda: db.session.scalar(select(func.count()).select_from(ClassMembership))) == 1


def test_a_double_click_on_join_joins_once(classroom, monkeypatch):
    app, real = classroom["ivy"].app, services.membership
    not_yet = [None]  # the first look misses the row the other click has just written
    monkeypatch.setattr(services, "membership", lambda *key: not_yet.pop() if not_yet else real(*key))

    def join_again():
        member = services.join(db.session.get(Classroom, classroom["class_id"]), db.session.get(User, classroom["sam"].id))
        return member.user_id, db.session.scalar(select(func.count()).select_from(ClassMembership))
    assert query(app, join_again) == (classroom["sam"].id, 1)


def test_the_instructor_removes_a_student_who_is_told(classroom):
    sam, ivy, app = classroom["sam"], classroom["ivy"], classroom["ivy"].app
    assert ivy.post(f"/classes/{classroom['class_id']}/students/{sam.id}/remove").status_code == 302
    assert sam.get(f"/sessions/{classroom['session_id']}").status_code == 404
    assert ivy.post(f"/classes/{classroom['class_id']}/students/{sam.id}/remove").status_code == 404
    notices = query(app, lambda: list(db.session.scalars(select(Notice.message).where(Notice.user_id == sam.id))))
    assert any("removed from the class Interview skills" in message for message in notices)


def test_a_new_code_replaces_the_old_one_and_members_stay(classroom):
    ivy, app = classroom["ivy"], classroom["ivy"].app
    assert ivy.post(f"/classes/{classroom['class_id']}/code").status_code == 302
    new_code = query(app, lambda: db.session.get(Classroom, classroom["class_id"]).join_code)
    assert new_code != classroom["code"]
    late = Person(app, "late@example.com")
    assert late.get(f"/join/{classroom['code']}").status_code == 404
    assert late.get(f"/join/{new_code}").status_code == 200
    assert classroom["sam"].get(f"/sessions/{classroom['session_id']}").status_code == 200


def test_the_instructor_edits_and_deletes_a_class(classroom):
    ivy, sam, class_id, app = classroom["ivy"], classroom["sam"], classroom["class_id"], classroom["ivy"].app
    assert ivy.post(f"/classes/{class_id}/edit", {"name": ""}).status_code == 400
    assert ivy.post(f"/classes/{class_id}/edit", {"name": "Renamed", "description": "New"}).status_code == 302
    assert "Renamed" in sam.get("/my-classes").data.decode()
    refused = ivy.post(f"/classes/{class_id}/delete")
    assert refused.status_code == 400 and b"Tick the box to confirm." in refused.data
    assert answer_in_writing(sam, classroom["items"][0]).status_code == 302
    assert ivy.post(f"/classes/{class_id}/delete", {"sure": "y"}).status_code == 302
    assert ivy.get(f"/classes/{class_id}").status_code == 404
    assert query(app, lambda: db.session.scalar(select(func.count()).select_from(MockSession))) == 0
    assert query(app, lambda: db.session.scalar(select(func.count()).select_from(Attempt))) == 1  # still Sam's


# --- nav ----------------------------------------------------------------------------------------

def test_the_nav_offers_each_role_its_pages(person):
    nav = {}
    for role in ("candidate", "recruiter", "instructor", "admin"):
        page = person(f"{role}@example.com", role).get("/questions").data.decode()
        nav[role] = page[page.index("<nav>"):page.index("</nav>")]
    assert "/my-classes" in nav["candidate"] and "/classes\"" not in nav["candidate"] and "/sets" not in nav["candidate"]
    assert "/sets" in nav["recruiter"] and "/classes\"" not in nav["recruiter"]
    for role in ("instructor", "admin"):
        assert 'href="/classes"' in nav[role] and "/sets" in nav[role] and "/my-classes" not in nav[role]


def test_an_instructor_in_someone_elses_class_also_sees_my_classes(person):
    ivy, ian = person("ivy@example.com", "instructor"), person("ian@example.com", "instructor")
    _, code = make_class(ivy)
    join(ian, code)
    assert 'href="/my-classes"' in ian.get("/questions").data.decode()


# --- question sets --------------------------------------------------------------------------------

def test_a_set_takes_bank_questions_and_its_own_in_order(person, app):
    rita = person("rita@example.com", "recruiter")
    set_id = make_set(rita, question_ids=(3, 1))
    assert set_question_ids(app, set_id) == [3, 1]
    page = rita.get(f"/sets/{set_id}").data.decode()
    assert 'id="bank-3"' not in page and 'id="bank-2"' in page  # the bank lists what is not in the set yet
    own = rita.post(f"/sets/{set_id}/own", {"text": "  Why   our bank,  of all banks? ", "category": "Motivation",
                                             "time_limit": "200"})
    assert own.status_code == 302
    text = "Why our bank, of all banks?"
    question = query(app, lambda: db.session.scalar(select(Question).where(Question.text == text)))
    assert (question.in_bank, question.author_id, question.category, question.time_limit_seconds) == (
        False, rita.id, "motivation", 200)
    assert set_question_ids(app, set_id) == [3, 1, question.id]
    assert "Why our bank" not in person("cand@example.com").get("/questions").data.decode()  # not in the public bank


def test_writing_an_existing_question_reuses_it(person, app):
    rita = person("rita@example.com", "recruiter")
    set_id = make_set(rita, question_ids=(2,))
    before = query(app, lambda: db.session.scalar(select(func.count()).select_from(Question)))
    bank_text = query(app, lambda: db.session.get(Question, 1).text)
    assert rita.post(f"/sets/{set_id}/own", {"text": bank_text, "category": "x", "time_limit": "60"}).status_code == 302
    assert set_question_ids(app, set_id) == [2, 1]
    assert query(app, lambda: (db.session.scalar(select(func.count()).select_from(Question)),
                               db.session.get(Question, 1).in_bank)) == (before, True)
    again = rita.post(f"/sets/{set_id}/own", {"text": bank_text, "category": "x", "time_limit": "60"})
    assert again.status_code == 400 and b"already in this set" in again.data
    other = person("otto@example.com", "instructor")
    other_set = make_set(other, question_ids=(5,))
    rita.post(f"/sets/{set_id}/own", {"text": "What would you fix first here?", "category": "c", "time_limit": "60"})
    assert other.post(f"/sets/{other_set}/own", {"text": "What would you fix first here?", "category": "d",
                                                 "time_limit": "99"}).status_code == 302
    shared = query(app, lambda: db.session.scalar(select(Question).where(Question.text == "What would you fix first here?")))
    assert (shared.author_id, shared.category, shared.time_limit_seconds) == (rita.id, "c", 60)  # not changed by Otto


@pytest.mark.parametrize("data, message", [
    ({"text": "Too short", "category": "c", "time_limit": "60"}, b"between 10 and 500"),
    ({"text": "A good long question?", "category": "", "time_limit": "60"}, b"This field is required."),
    ({"text": "A good long question?", "category": "c", "time_limit": "9"}, b"10 to 600 seconds"),
    ({"text": "A good long question?", "category": "c", "time_limit": "601"}, b"10 to 600 seconds"),
    ({"text": "A good long question?", "category": "c", "time_limit": "soon"}, b"10 to 600 seconds"),
    ({"text": "x" * 501, "category": "c", "time_limit": "60"}, b"between 10 and 500"),
])
def test_a_question_of_ones_own_is_checked(person, app, data, message):
    rita = person("rita@example.com", "recruiter")
    set_id = make_set(rita, question_ids=(1,))
    response = rita.post(f"/sets/{set_id}/own", data)
    assert response.status_code == 400 and message in response.data
    assert set_question_ids(app, set_id) == [1]


def test_bank_picks_are_checked(person, app):
    rita = person("rita@example.com", "recruiter")
    set_id = make_set(rita, question_ids=(1,))
    assert rita.post(f"/sets/{set_id}/bank", {}).status_code == 400
    assert rita.post(f"/sets/{set_id}/bank", {"question_ids": ["1"]}).status_code == 400  # already in
    assert rita.post(f"/sets/{set_id}/bank", {"question_ids": ["99999"]}).status_code == 400
    assert rita.post(f"/sets/{set_id}/bank", {"question_ids": ["two"]}).status_code == 400
    assert set_question_ids(app, set_id) == [1]


def test_a_set_holds_at_most_fifty_questions(person, app, monkeypatch):
    monkeypatch.setattr("interview.classes.question_sets.MAX_SET_QUESTIONS", 3)
    rita = person("rita@example.com", "recruiter")
    set_id = make_set(rita, question_ids=(1, 2))
    response = rita.post(f"/sets/{set_id}/bank", {"question_ids": ["3", "4"]})
    assert response.status_code == 400 and b"at most 3 questions" in response.data
    assert set_question_ids(app, set_id) == [1, 2]


def test_set_questions_move_and_go(person, app):
    rita = person("rita@example.com", "recruiter")
    set_id = make_set(rita, question_ids=(1, 2, 3))
    items = query(app, lambda: [item.id for item in db.session.get(QuestionSet, set_id).items])
    assert rita.post(f"/sets/{set_id}/items/{items[2]}/move", {"direction": "up"}).status_code == 302
    assert set_question_ids(app, set_id) == [1, 3, 2]
    rita.post(f"/sets/{set_id}/items/{items[0]}/move", {"direction": "up"})  # already first: nothing moves
    rita.post(f"/sets/{set_id}/items/{items[0]}/move", {"direction": "down"})
    assert set_question_ids(app, set_id) == [3, 1, 2]
    assert rita.post(f"/sets/{set_id}/items/{items[0]}/move", {"direction": "sideways"}).status_code == 400
    assert rita.post(f"/sets/{set_id}/items/{items[1]}/remove").status_code == 302  # question 2
    assert set_question_ids(app, set_id) == [3, 1]
    positions = query(app, lambda: [item.position for item in db.session.get(QuestionSet, set_id).items])
    assert positions == [1, 2]
    assert rita.post(f"/sets/{set_id}/items/{items[1]}/remove").status_code == 404


def test_sets_are_renamed_and_deleted_and_sessions_keep_their_questions(person, app):
    rita = person("rita@example.com", "recruiter")
    set_id = make_set(rita)
    session_id = make_session(rita, set_id)
    assert rita.post(f"/sets/{set_id}/rename", {"name": ""}).status_code == 400
    assert rita.post(f"/sets/{set_id}/rename", {"name": "Finance"}).status_code == 302
    assert "Finance" in rita.get("/sets").data.decode()
    assert rita.post(f"/sets/{set_id}/delete").status_code == 400
    assert rita.post(f"/sets/{set_id}/delete", {"sure": "y"}).status_code == 302
    assert rita.get(f"/sets/{set_id}").status_code == 404
    assert [item.question_id for item in items_of(app, session_id)] == [1, 2, 3]


def test_set_pages_are_for_instructors_recruiters_and_admins(person):
    assert person("cand@example.com").get("/sets").status_code == 403
    for role in ("recruiter", "instructor", "admin"):
        assert person(f"{role}@example.com", role).get("/sets").status_code == 200


# --- sessions --------------------------------------------------------------------------------------

def test_a_class_session_copies_the_set_and_tells_each_current_student(person, app, fake_model):
    ivy = person("ivy@example.com", "instructor", "Ivy")
    class_id, code = make_class(ivy)
    sam, lea, out = person("sam@example.com"), person("lea@example.com"), person("out@example.com")
    join(sam, code), join(lea, code)
    lea.post(f"/my-classes/{class_id}/leave")
    set_id = make_set(ivy, question_ids=(1, 2, 3))
    session_id = make_session(ivy, set_id, class_id, title="Week 1", modes={0: "video", 1: "audio"},
                              limits={0: 30, 1: 600, 2: 10}, positions={0: 3, 1: 1, 2: 2})
    items = items_of(app, session_id)
    assert [(i.question_id, i.position, i.mode, i.time_limit_seconds) for i in items] == [
        (2, 1, "audio", 600), (3, 2, "text", 10), (1, 3, "video", 30)]
    mock = query(app, lambda: db.session.get(MockSession, session_id))
    assert (mock.classroom_id, mock.owner_id, mock.question_set_id, mock.retakes_allowed) == (class_id, ivy.id, set_id, False)
    notices = query(app, lambda: db.session.execute(select(Notice.user_id, Notice.message, Notice.link)).all())
    assert [(user_id, link) for user_id, _, link in notices] == [(sam.id, f"/sessions/{session_id}")]
    assert "Week 1" in notices[0][1] and "Interview skills" in notices[0][1]
    assert sam.get(f"/sessions/{session_id}").status_code == 200
    for outsider in (lea, out):
        assert outsider.get(f"/sessions/{session_id}").status_code == 404
    assert "Week 1" in sam.get("/").data.decode()


def test_a_recruiters_session_has_no_class_and_tells_no_one(person, app):
    rita = person("rita@example.com", "recruiter")
    set_id = make_set(rita)
    form = rita.get(f"/sets/{set_id}/sessions/new").data.decode()
    assert "No class: candidates I invite" in form
    session_id = make_session(rita, set_id, retakes=True, closes=moment(days=1) + ":30")  # with seconds
    mock = query(app, lambda: db.session.get(MockSession, session_id))
    assert (mock.classroom_id, mock.retakes_allowed, mock.closes_at.second) == (None, True, 30)
    assert query(app, lambda: db.session.scalar(select(func.count()).select_from(Notice))) == 0
    owner = rita.get(f"/sessions/{session_id}")  # to the sharing feature's invitations page
    assert owner.status_code == 302 and owner.headers["Location"] == f"/recruiter/sessions/{session_id}"
    assert f'href="/recruiter/sessions/{session_id}"' in rita.get(f"/sessions/{session_id}/edit").data.decode()
    admin = person("ada@example.com", "admin")
    admins = make_session(admin, make_set(admin))
    assert admin.get(f"/sessions/{admins}").headers["Location"] == f"/sessions/{admins}/edit"
    assert person("cand@example.com").get(f"/sessions/{session_id}").status_code == 404


def test_an_instructor_without_a_class_is_asked_to_create_one(person):
    ivy = person("ivy@example.com", "instructor")
    set_id = make_set(ivy)
    page = ivy.get(f"/sets/{set_id}/sessions/new")
    assert b"Create a class first" in page.data
    response = ivy.post(f"/sets/{set_id}/sessions/new", session_data(set_question_ids(ivy.app, set_id)))
    assert response.status_code == 400


def test_an_empty_set_makes_no_session(person):
    rita = person("rita@example.com", "recruiter")
    set_id = int(re.search(r"(\d+)$", rita.post("/sets", {"name": "Empty"}).headers["Location"]).group(1))
    assert b"Add some first" in rita.get(f"/sets/{set_id}/sessions/new").data
    assert rita.post(f"/sets/{set_id}/sessions/new", session_data([])).status_code == 400


@pytest.mark.parametrize("change, message", [
    ({"closes": "opens"}, b"It must close after it opens."),
    ({"closes_at": "not a date"}, b"Not a valid datetime value."),
    ({"opens_at": ""}, b"Give the date and time it opens."),
    ({"title": ""}, b"This field is required."),
    ({"items-0-time_limit": "9"}, b"10 to 600 seconds"),
    ({"items-1-time_limit": "601"}, b"10 to 600 seconds"),
    ({"items-0-mode": "smell"}, b"Not a valid choice"),
    ({"items-0-position": "first"}, b"Not a valid integer value."),
    ({"items-2-position": ""}, b"Give each question a place in the order."),
    ({"classroom_id": "0"}, b"Not a valid choice"),       # an instructor's session is for a class
    ({"classroom_id": "other"}, b"Not a valid choice"),   # someone else's class
    ({"include": "none"}, b"Include at least one question."),
    ({"past": True}, b"a new session must close in the future"),
])
def test_a_new_session_is_checked(person, app, change, message):
    ivy = person("ivy@example.com", "instructor")
    class_id, _ = make_class(ivy)
    other_class, _ = make_class(person("otto@example.com", "instructor"))
    set_id = make_set(ivy)
    questions = set_question_ids(app, set_id)
    data = session_data(questions, class_id)
    if change.pop("closes", None):
        data["closes_at"] = data["opens_at"]
    if change.pop("past", None):
        data |= {"opens_at": moment(days=-3), "closes_at": moment(days=-2)}
    if change.pop("include", None):
        data = {key: value for key, value in data.items() if not key.endswith("-include")}
    if change.get("classroom_id") == "other":
        change["classroom_id"] = str(other_class)
    response = ivy.post(f"/sets/{set_id}/sessions/new", data | change)
    assert response.status_code == 400 and message in response.data, response.data.decode()[-2000:]
    assert query(app, lambda: db.session.scalar(select(func.count()).select_from(MockSession))) == 0


def test_recorded_modes_are_not_offered_when_the_emotion_features_are_off(person, app):
    app.config["EMOTION_FEATURES_ENABLED"] = False
    rita = person("rita@example.com", "recruiter")
    set_id = make_set(rita)
    assert b'value="video"' not in rita.get(f"/sets/{set_id}/sessions/new").data
    data = session_data(set_question_ids(app, set_id), modes={0: "video"})
    assert rita.post(f"/sets/{set_id}/sessions/new", data).status_code == 400


def test_a_stale_session_form_is_refused(person, app):
    rita = person("rita@example.com", "recruiter")
    set_id = make_set(rita, question_ids=(1, 2))
    for questions in ([2, 1], [1, 2, 3], [1]):
        response = rita.post(f"/sets/{set_id}/sessions/new", session_data(questions))
        assert response.status_code == 409 and b"The questions changed while you were editing" in response.data
        assert response.data.count(b"<fieldset") == 2  # the set's questions as they are now


def test_the_owner_edits_a_session_but_answered_questions_keep_their_mode(classroom):
    ivy, sam, app, session_id = classroom["ivy"], classroom["sam"], classroom["ivy"].app, classroom["session_id"]
    items = classroom["items"]
    page = ivy.get(f"/sessions/{session_id}/edit")
    assert page.status_code == 200 and b"Mock one" in page.data
    opens = query(app, lambda: db.session.get(MockSession, session_id).opens_at.strftime(FORMAT))
    assert f'name="opens_at" required type="datetime-local" value="{opens}"' in page.data.decode()
    answer_in_writing(sam, items[0])
    questions = [item.question_id for item in items]
    url = f"/sessions/{session_id}/edit"
    refused = ivy.post(url, session_data(questions, title="Changed", modes={0: "audio"}))
    assert refused.status_code == 409 and b"Question 1 already has answers" in refused.data
    assert ivy.post(url, session_data(questions, include={0: False})).status_code == 409
    assert ivy.post(url, session_data(questions, closes=moment(hours=-2))).status_code == 400
    saved = ivy.post(url, session_data(questions, title="Changed", retakes=True, include={2: False},
                                       modes={1: "audio"}, limits={0: 300}, positions={0: 2, 1: 1}))
    assert saved.status_code == 302
    after = items_of(app, session_id)
    assert [(i.question_id, i.position, i.mode, i.time_limit_seconds) for i in after] == [
        (questions[1], 1, "audio", 90), (questions[0], 2, "text", 300)]
    mock = query(app, lambda: db.session.get(MockSession, session_id))
    assert (mock.title, mock.retakes_allowed) == ("Changed", True)
    assert ivy.post(url, session_data(questions)).status_code == 409  # the page no longer matches


def test_the_owner_deletes_a_session_and_answers_stay(classroom):
    ivy, sam, app, session_id = classroom["ivy"], classroom["sam"], classroom["ivy"].app, classroom["session_id"]
    answer_in_writing(sam, classroom["items"][0])
    assert ivy.post(f"/sessions/{session_id}/delete").status_code == 400
    response = ivy.post(f"/sessions/{session_id}/delete", {"sure": "y"})
    assert response.status_code == 302 and response.headers["Location"] == f"/classes/{classroom['class_id']}"
    assert sam.get(f"/sessions/{session_id}").status_code == 404
    assert query(app, lambda: db.session.scalar(select(Attempt.session_item_id))) is None


def test_the_owner_is_sent_to_the_dashboard_from_the_students_page(classroom):
    response = classroom["ivy"].get(f"/sessions/{classroom['session_id']}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/classes/{classroom['class_id']}/dashboard#session-{classroom['session_id']}"


# --- the student's flow: open, closed, retakes -------------------------------------------------------

def test_retakes_off_one_answer_per_question(classroom):
    sam, item = classroom["sam"], classroom["items"][0]
    assert answer_in_writing(sam, item).status_code == 302
    again = sam.get(f"/text/questions/{item.question_id}?session_item={item.id}", follow_redirects=True)
    assert b"allows no retakes" in again.data
    page = sam.get(f"/sessions/{classroom['session_id']}").data.decode()
    assert "1 of 3 questions answered" in page and "Answer again" not in page


def test_retakes_on_answer_again(person, app, fake_model):
    ivy, sam = person("ivy@example.com", "instructor"), person("sam@example.com")
    class_id, code = make_class(ivy)
    join(sam, code)
    session_id = make_session(ivy, make_set(ivy, question_ids=(1,)), class_id, retakes=True)
    item = items_of(app, session_id)[0]
    assert answer_in_writing(sam, item).status_code == 302
    assert "Answer again" in sam.get(f"/sessions/{session_id}").data.decode()
    assert answer_in_writing(sam, item).status_code == 302
    assert query(app, lambda: db.session.scalar(select(func.count()).select_from(Attempt))) == 2
    assert "(2 answers)" in ivy.get(f"/classes/{class_id}/dashboard").data.decode()


def test_closed_and_not_yet_open_sessions_take_no_answers(classroom):
    ivy, sam, session_id = classroom["ivy"], classroom["sam"], classroom["session_id"]
    questions = [item.question_id for item in classroom["items"]]
    item = classroom["items"][0]
    url = f"/text/questions/{item.question_id}?session_item={item.id}"
    ivy.post(f"/sessions/{session_id}/edit", session_data(questions, opens=moment(days=1), closes=moment(days=2)))
    assert b"not open yet" in sam.get(f"/sessions/{session_id}").data
    assert re.search(r"0/3 answered ·\s+opens \d{4}-", sam.get("/").data.decode())
    assert "not open yet ·" in sam.get("/my-classes").data.decode()
    assert b"not open yet: it opens on" in sam.get(url, follow_redirects=True).data
    ivy.post(f"/sessions/{session_id}/edit", session_data(questions, opens=moment(days=-2), closes=moment(days=-1)))
    assert b"This session is closed" in sam.get(f"/sessions/{session_id}").data
    refused = sam.get(url, follow_redirects=True)
    assert b"This session is closed" in refused.data
    assert sam.post(url, {"answer": ESSAY_LIKE_ANSWER}).status_code == 302
    assert query(ivy.app, lambda: db.session.scalar(select(func.count()).select_from(Attempt))) == 0
    cells = ivy.get(f"/classes/{classroom['class_id']}/dashboard").data.decode()
    assert cells.count('class="cell-closed"') == 3


# --- dashboard -----------------------------------------------------------------------------------------

def test_the_dashboard_shows_each_answers_state_and_links_reports(classroom, person):
    ivy, sam, app, items = classroom["ivy"], classroom["sam"], classroom["ivy"].app, classroom["items"]
    ann = person("ann@example.com", name="Ann")
    join(ann, classroom["code"])
    answer_in_writing(sam, items[0])
    pending = add_attempt(app, sam.id, items[1], "pending")
    done = add_attempt(app, ann.id, items[0], "complete", scores={"face_happy": 50.0})
    add_attempt(app, ann.id, items[1], "failed")
    add_attempt(app, ann.id, items[2], "running")
    page = ivy.get(f"/classes/{classroom['class_id']}/dashboard")
    assert page.status_code == 200
    html = page.data.decode()
    rows = {student: html[html.index(f'data-student="{student}"'):] for student in (sam.id, ann.id)}
    sam_row, ann_row = (row[:row.index("</tr>")] for row in rows.values())
    sam_report = query(app, lambda: db.session.scalar(select(Attempt.id).where(Attempt.modality == "text")))
    assert f"/attempts/{sam_report}/report" in sam_row and "cell-pending" in sam_row and "cell-not-answered" in sam_row
    assert f"/attempts/{pending}/report" not in sam_row  # no report to open while it is analysed
    assert f"/attempts/{done}/report" in ann_row and "cell-failed" in ann_row and "cell-running" in ann_row
    assert "2/3" in sam_row and "2/3" in ann_row
    # students by name (rows, not the bare names: a random token in the page's head once held "Sam")
    assert html.index(f'data-student="{ann.id}"') < html.index(f'data-student="{sam.id}"')
    assert ivy.get(f"/attempts/{done}/report").status_code == 200


def test_dashboard_cells_follow_the_answer_that_counts(classroom):
    app, sam, items = classroom["ivy"].app, classroom["sam"], classroom["items"]
    add_attempt(app, sam.id, items[0], "complete")
    add_attempt(app, sam.id, items[0], "failed")  # a later failed retake does not undo the answer
    grid = query(app, lambda: class_grids(db.session.get(Classroom, classroom["class_id"])))[0]
    cell = grid.rows[0].cells[0]
    assert (cell.state, cell.answers, cell.has_report) == ("complete", 2, True)
    assert [c.state for c in grid.rows[0].cells[1:]] == ["not answered", "not answered"]


# --- figures ---------------------------------------------------------------------------------------------

def test_class_figures_set_the_class_beside_all_candidates(classroom, person, fake_model):
    ivy, sam, app, items = classroom["ivy"], classroom["sam"], classroom["ivy"].app, classroom["items"]
    first = items[0]
    ann = person("ann@example.com")
    join(ann, classroom["code"])
    ivy.post(f"/sessions/{classroom['session_id']}/edit",
             session_data([i.question_id for i in items], retakes=True))
    fake_model.base = 40
    answer_in_writing(sam, first)
    fake_model.base = 60
    answer_in_writing(ann, first)
    fake_model.base = 80
    answer_in_writing(ann, first)             # Ann's mean: 70; each student counts once
    fake_model.base = 90
    sam.get(f"/text/questions/{items[1].question_id}")
    sam.post(f"/text/questions/{items[1].question_id}", {"answer": ESSAY_LIKE_ANSWER})  # outside the session
    outsider = person("out@example.com")
    fake_model.base = 20
    outsider.get(f"/text/questions/{first.question_id}")
    outsider.post(f"/text/questions/{first.question_id}", {"answer": ESSAY_LIKE_ANSWER})
    figures = query(app, lambda: class_figures(db.session.get(Classroom, classroom["class_id"])))
    assert [group.modality for group in figures] == ["text"]
    row = next(r for r in figures[0].rows if r.measure.name == "extraversion")
    assert (row.class_mean, row.students) == (pytest.approx(55.0), 2)
    # All candidates, all questions: Sam (40 + 90) / 2 = 65, Ann 70, the outsider 20.
    assert (row.candidates.mean, row.candidates.candidates) == (pytest.approx(155 / 3), 3)
    page = ivy.get(f"/classes/{classroom['class_id']}/figures").data.decode()
    cells = page[page.index('data-measure="extraversion"'):]
    cells = cells[:cells.index("</tr>")]
    assert "55" in cells and "(2 students)" in cells and "52" in cells and "(3 candidates)" in cells
    same = ivy.get(f"/classes/{classroom['class_id']}/figures?question={first.question_id}").data.decode()
    cells = same[same.index('data-measure="extraversion"'):]
    cells = cells[:cells.index("</tr>")]
    assert "55" in cells and "43" in cells and "(3 candidates)" in cells  # (40 + 70 + 20) / 3
    empty = ivy.get(f"/classes/{classroom['class_id']}/figures?question={items[2].question_id}").data.decode()
    assert 'id="no-figures"' in empty
    assert ivy.get(f"/classes/{classroom['class_id']}/figures?question=17").status_code == 404
    sam.post(f"/my-classes/{classroom['class_id']}/leave")
    figures = query(app, lambda: class_figures(db.session.get(Classroom, classroom["class_id"])))
    row = next(r for r in figures[0].rows if r.measure.name == "extraversion")
    assert (row.class_mean, row.students) == (pytest.approx(70.0), 1)


# --- CSV export ------------------------------------------------------------------------------------------

def test_the_export_has_one_row_per_answer_with_scores_and_rubric_marks(person, app, fake_model):
    ivy = person("ivy@example.com", "instructor")
    class_id, code = make_class(ivy, "Cohort 9 / Spring")
    mallory = person("mallory@example.com", name="=HYPERLINK(\"http://evil.example\")")
    join(mallory, code)
    set_id = make_set(ivy, question_ids=(1,))
    ivy.post(f"/sets/{set_id}/own", {"text": "-1+1 is a question, is it not?", "category": "c", "time_limit": "60"})
    session_id = make_session(ivy, set_id, class_id, title="@SUM(A1)", modes={1: "video"})
    text_item, video_item = items_of(app, session_id)
    answer_in_writing(mallory, text_item)
    video = add_attempt(app, mallory.id, video_item, "complete", scores={"face_happy": 61.234,
                                                                        "pitch_range_semitones": -2.5})

    def mark():
        criteria = [RubricCriterion(classroom_id=class_id, position=1, name="Structure"),
                    RubricCriterion(classroom_id=class_id, position=2, name="+Evidence")]
        db.session.add_all(criteria)
        db.session.flush()
        db.session.add(RubricMark(attempt_id=video, criterion_id=criteria[1].id, author_id=ivy.id, score=4))
        db.session.commit()
    query(app, mark)
    response = ivy.get(f"/classes/{class_id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="poise-class-{class_id}-cohort-9-spring.csv"'
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 2
    text_row, video_row = rows
    assert text_row["student"] == "'=HYPERLINK(\"http://evil.example\")" and text_row["email"] == "mallory@example.com"
    assert text_row["session"] == "'@SUM(A1)" and video_row["question"] == "'-1+1 is a question, is it not?"
    assert (text_row["mode"], text_row["status"], text_row["question number"]) == ("text", "complete", "1")
    assert text_row["Extraversion"] == "40.0" and text_row["Happy face (%)"] == ""
    assert video_row["Happy face (%)"] == "61.23" and video_row["Pitch variation (semitones)"] == "-2.5"
    assert (video_row["rubric: Structure (1-5)"], text_row["rubric: Structure (1-5)"]) == ("", "")
    assert video_row["rubric: +Evidence (1-5)"] == "4"
    mallory.post(f"/my-classes/{class_id}/leave")
    assert ivy.get(f"/classes/{class_id}/export.csv").data.decode("utf-8-sig").count("\n") == 1


def test_a_student_who_switched_emotion_readings_off_shows_none_to_the_class(classroom):
    ivy, sam, app = classroom["ivy"], classroom["sam"], classroom["ivy"].app
    item = classroom["items"][0]
    add_attempt(app, sam.id, item, "complete", modality="text", scores={"face_happy": 61.0, "pause_count": 3.0})

    def switch_off():
        db.session.get(User, sam.id).emotion_readings_enabled = False
        db.session.commit()
    query(app, switch_off)
    rows = list(csv.DictReader(io.StringIO(ivy.get(f"/classes/{classroom['class_id']}/export.csv").data.decode("utf-8-sig"))))
    assert rows[0]["Pauses"] == "3.0" and rows[0].get("Happy face (%)", "") == ""
    figures = query(app, lambda: class_figures(db.session.get(Classroom, classroom["class_id"])))
    names = {row.measure.name for group in figures for row in group.rows}
    assert "pause_count" in names and "face_happy" not in names


def test_guarded_cells():
    assert [guarded(v) for v in ("=1+2", "+1", "-1", "@A1", "\tx", "\rx", "plain", 3, -2.5, "")] == [
        "'=1+2", "'+1", "'-1", "'@A1", "'\tx", "'\rx", "plain", 3, -2.5, ""]


# --- who may see what -------------------------------------------------------------------------------------

def owner_urls(world) -> tuple[list[str], list[tuple[str, dict]]]:
    c, s, m, i, student = world["class_id"], world["set_id"], world["session_id"], world["set_item"], world["sam"].id
    pages = [f"/classes/{c}", f"/classes/{c}/dashboard", f"/classes/{c}/figures", f"/classes/{c}/export.csv",
             f"/sets/{s}", f"/sets/{s}/sessions/new", f"/sessions/{m}/edit"]
    actions = [(f"/classes/{c}/edit", {"name": "Taken"}), (f"/classes/{c}/code", {}),
               (f"/classes/{c}/students/{student}/remove", {}), (f"/classes/{c}/delete", {"sure": "y"}),
               (f"/sets/{s}/rename", {"name": "Taken"}), (f"/sets/{s}/bank", {"question_ids": ["9"]}),
               (f"/sets/{s}/own", {"text": "A question from outside?", "category": "c", "time_limit": "60"}),
               (f"/sets/{s}/items/{i}/move", {"direction": "down"}), (f"/sets/{s}/items/{i}/remove", {}),
               (f"/sets/{s}/sessions/new", session_data([1, 2, 3], world["class_id"])),
               (f"/sessions/{m}/edit", session_data([1, 2, 3], title="Taken")),
               (f"/sessions/{m}/delete", {"sure": "y"}), (f"/sets/{s}/delete", {"sure": "y"})]
    return pages, actions


def test_every_page_about_a_class_set_or_session_is_404_to_all_but_its_owner(classroom, person):
    app = classroom["ivy"].app
    classroom["set_item"] = query(app, lambda: db.session.get(QuestionSet, classroom["set_id"]).items[0].id)
    before = query(app, lambda: (db.session.get(Classroom, classroom["class_id"]).join_code,
                                 [i.question_id for i in db.session.get(QuestionSet, classroom["set_id"]).items]))
    others = [classroom["sam"], person("otto@example.com", "instructor"), person("ada@example.com", "admin"),
              person("rita@example.com", "recruiter"), person("cand@example.com")]
    pages, actions = owner_urls(classroom)
    for other in others:
        for url in pages:
            assert other.get(url).status_code == 404, (other.name, url)
        for url, data in actions:
            assert other.post(url, data).status_code == 404, (other.name, url)
    after = query(app, lambda: (db.session.get(Classroom, classroom["class_id"]).join_code,
                                [i.question_id for i in db.session.get(QuestionSet, classroom["set_id"]).items]))
    assert after == before
    assert query(app, lambda: db.session.scalar(select(func.count()).select_from(MockSession))) == 1
    assert classroom["sam"].get(f"/sessions/{classroom['session_id']}").status_code == 200
    for url in pages:
        assert classroom["ivy"].get(url).status_code == 200, url


def test_an_instructor_demoted_to_candidate_loses_their_class_pages(classroom, app):
    def demote():
        db.session.get(User, classroom["ivy"].id).role = "candidate"
        db.session.commit()
    query(app, demote)
    assert classroom["ivy"].get(f"/classes/{classroom['class_id']}/dashboard").status_code == 404
    assert classroom["ivy"].get(f"/sets/{classroom['set_id']}").status_code == 404


def test_unknown_ids_are_404(person):
    ivy = person("ivy@example.com", "instructor")
    for url in ("/classes/999", "/classes/999/dashboard", "/classes/999/export.csv", "/sets/999",
                "/sessions/999", "/sessions/999/edit", "/my-classes/999/leave"):
        assert ivy.get(url).status_code == 404, url
    assert ivy.get("/classes/abc").status_code == 404


def test_an_admin_who_runs_a_class_opens_its_students_session_answers(person, app, fake_model):
    ada = person("admin@example.com", "admin", "Ada")
    sam = person("sam@example.com", "candidate", "Sam")
    class_id, code = make_class(ada)
    join(sam, code)
    session_id = make_session(ada, make_set(ada), class_id)
    item = items_of(app, session_id)[0]
    answer_in_writing(sam, item)
    attempt_id = query(app, lambda: db.session.scalar(db.select(Attempt.id).where(Attempt.session_item_id == item.id)))
    assert ada.get(f"/attempts/{attempt_id}/report").status_code == 200
    other_admin = person("admin2@example.com", "admin")
    assert other_admin.get(f"/attempts/{attempt_id}/report").status_code == 404
