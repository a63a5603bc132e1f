"""The recruiter's side: who shares with them, candidates side by side with percentile bands
(only from 20 candidates), every reading with its model's accuracy, invitations to practise,
and 404 on every URL about something not shared with them."""
import hashlib
import re
from datetime import timedelta

import pytest

from emotion.model_info import model_info
from interview.extensions import db
from interview.models import MockSession, Notice, SessionInvite, SessionItem, Share, ShareItem, User, utcnow
from interview.sharing.compare import MIN_CANDIDATES, model_accuracy, placement
from tests.conftest import ESSAY_LIKE_ANSWER, csrf_token_from
from tests.mail_server import MailServer
from tests.test_sharing import body_of, signed_in, stored_answer, text_of


def add_share(app, owner_id, attempt_ids, email=None, token=None, expires_in=None, revoked=False, kind="answers"):
    with app.app_context():
        share = Share(owner_id=owner_id, kind=kind, recipient_email=email,
                      token_hash=hashlib.sha256(token.encode()).hexdigest() if token else None,
                      expires_at=utcnow() + expires_in if expires_in is not None else None,
                      revoked_at=utcnow() if revoked else None)
        share.items = [ShareItem(attempt_id=attempt_id) for attempt_id in attempt_ids]
        db.session.add(share)
        db.session.commit()
        return share.id


def add_session(app, owner_id, title="Graduate screen", questions=(1, 2)):
    with app.app_context():
        session = MockSession(owner_id=owner_id, title=title, opens_at=utcnow() - timedelta(days=1),
                              closes_at=utcnow() + timedelta(days=7))
        session.items = [SessionItem(question_id=q, position=i + 1, mode="text", time_limit_seconds=120)
                         for i, q in enumerate(questions)]
        db.session.add(session)
        db.session.commit()
        return session.id, [item.id for item in session.items]


def add_candidates(app, count, scores, question_id=1, modality="text", role="candidate", start=0):
    """``count`` more people who answered, each with one stored answer."""
    for n in range(start, start + count):
        with app.app_context():
            user = User(email=f"cohort{n}@example.com", display_name=f"Cohort {n}", password_hash="x", role=role)
            db.session.add(user)
            db.session.commit()
            user_id = user.id
        stored_answer(app, user_id, modality, question_id, scores=scores(n))


# Who shares, and what -------------------------------------------------------------------------

def test_the_recruiter_sees_the_candidates_who_share_with_them_and_what(app, auth):
    recruiter, _ = signed_in(app, auth, "rita@hire.example", role="recruiter")
    _, ada = signed_in(app, auth, "ada@example.com", name="Ada")
    _, bob = signed_in(app, auth, "bob@example.com", name="Bob")
    _, cy = signed_in(app, auth, "cy@example.com", name="Cy")
    _, di = signed_in(app, auth, "di@example.com", name="Di")
    ada_answer, ada_private = stored_answer(app, ada, question_id=1), stored_answer(app, ada, question_id=2)
    add_share(app, ada, [ada_answer], email="RITA@hire.example")
    add_share(app, bob, [], email="rita@hire.example", kind="profile")
    stored_answer(app, bob, question_id=3)
    add_share(app, cy, [stored_answer(app, cy)], email="otto@hire.example")        # another recruiter
    add_share(app, di, [stored_answer(app, di)], token="t" * 43, expires_in=timedelta(days=3))  # a link

    home = recruiter.get("/recruiter")
    words = text_of(home)
    assert "Ada ada@example.com Chosen answers 1" in words and "Bob bob@example.com Benchmark profile 1" in words
    assert "Cy" not in words and "Di" not in words
    page = recruiter.get(f"/recruiter/candidates/{ada}").data.decode()
    assert f'href="/attempts/{ada_answer}/report"' in page and f"/attempts/{ada_private}/" not in page
    assert 'id="candidate-email"' in page
    assert recruiter.get(f"/recruiter/candidates/{cy}").status_code == 404
    assert recruiter.get(f"/recruiter/candidates/{di}").status_code == 404


def test_recruiter_pages_are_for_recruiters(app, auth):
    candidate, _ = signed_in(app, auth, "ada@example.com")
    for url in ("/recruiter", "/recruiter/sessions"):
        assert candidate.get(url).status_code == 403
        assert app.test_client().get(url).headers["Location"].startswith("/auth/login")
    assert candidate.get("/recruiter/compare").status_code == 404


# 404 on every URL with an id, for everyone it is not for --------------------------------------

ROLES = ("recruiter", "other_recruiter", "candidate", "other_candidate", "instructor", "anonymous")


@pytest.fixture
def world(app, auth):
    """Rita (recruiter) is named by a live share of Ada's video answer; Ada's other answers are
    unshared, in an expired share, or in a revoked one; Bob shares with Otto (another recruiter);
    Rita has a session with a pending invitation, Otto one too; Ada has an expired share link."""
    people = {"recruiter": signed_in(app, auth, "rita@hire.example", role="recruiter"),
              "other_recruiter": signed_in(app, auth, "otto@hire.example", role="recruiter"),
              "candidate": signed_in(app, auth, "ada@example.com", name="Ada"),
              "other_candidate": signed_in(app, auth, "bob@example.com", name="Bob"),
              "instructor": signed_in(app, auth, "ian@school.example", role="instructor"),
              "anonymous": (app.test_client(), None)}
    ids = {role: user_id for role, (_, user_id) in people.items()}
    ada, bob = ids["candidate"], ids["other_candidate"]
    answers = {"shared": stored_answer(app, ada, "video", question_id=1), "unshared": stored_answer(app, ada, question_id=2),
               "expired": stored_answer(app, ada, question_id=3), "revoked": stored_answer(app, ada, question_id=4),
               "bobs": stored_answer(app, bob, "video", question_id=1)}
    shares = {"live": add_share(app, ada, [answers["shared"]], email="rita@hire.example"),
              "expired": add_share(app, ada, [answers["expired"]], email="rita@hire.example", expires_in=-timedelta(hours=1)),
              "revoked": add_share(app, ada, [answers["revoked"]], email="rita@hire.example", revoked=True),
              "bobs": add_share(app, bob, [answers["bobs"]], email="otto@hire.example"),
              "link": add_share(app, ada, [answers["shared"]], token="e" * 43, expires_in=-timedelta(minutes=1))}
    sessions = {"rita": add_session(app, ids["recruiter"])[0], "otto": add_session(app, ids["other_recruiter"])[0]}
    with app.app_context():
        invite = SessionInvite(session_id=sessions["rita"], email="new@example.com", token_hash="0" * 64)
        db.session.add(invite)
        db.session.commit()
        invite_id = invite.id
    return {"browsers": {role: browser for role, (browser, _) in people.items()}, "ids": ids, "answers": answers,
            "shares": shares, "sessions": sessions, "invite": invite_id}


def access_table(world):
    """(method, url, {role: status}) for every URL with an id; a role not named gets 404
    (anonymous: a redirect to sign in, or 404 on the public link pages)."""
    a, s, ids = world["answers"], world["sessions"], world["ids"]
    ada, bob = ids["candidate"], ids["other_candidate"]
    return [
        ("GET", f"/attempts/{a['shared']}/report", {"recruiter": 200, "candidate": 200}),
        ("GET", f"/attempts/{a['shared']}/recording", {"recruiter": 200, "candidate": 200}),
        ("GET", f"/attempts/{a['unshared']}/report", {"candidate": 200}),
        ("GET", f"/attempts/{a['expired']}/report", {"candidate": 200}),
        ("GET", f"/attempts/{a['revoked']}/report", {"candidate": 200}),
        ("GET", f"/attempts/{a['bobs']}/report", {"other_recruiter": 200, "other_candidate": 200}),
        ("GET", f"/attempts/{a['bobs']}/recording", {"other_recruiter": 200, "other_candidate": 200}),
        ("GET", f"/recruiter/candidates/{ada}", {"recruiter": 200}),
        ("GET", f"/recruiter/candidates/{bob}", {"other_recruiter": 200}),
        ("GET", f"/recruiter/compare?question_id=1&modality=video&candidate={ada}", {"recruiter": 200}),
        ("GET", f"/recruiter/compare?question_id=1&modality=video&candidate={bob}", {"other_recruiter": 200}),
        ("GET", f"/recruiter/compare?question_id=1&modality=video&candidate={ada}&candidate={bob}", {}),
        ("GET", f"/recruiter/compare?question_id=3&modality=text&candidate={ada}", {}),       # expired share
        ("GET", f"/recruiter/compare?question_id=4&modality=text&candidate={ada}", {}),       # revoked share
        ("GET", f"/recruiter/compare?question_id=2&modality=text", {}),                       # unshared
        ("GET", f"/recruiter/sessions/{s['rita']}", {"recruiter": 200}),
        ("GET", f"/recruiter/sessions/{s['otto']}", {"other_recruiter": 200}),
        ("POST", f"/recruiter/sessions/{s['rita']}/invites/{world['invite']}/withdraw", {"recruiter": 302}),
        ("POST", f"/sharing/{world['shares']['live']}/revoke", {"candidate": 302}),
        ("POST", f"/sharing/{world['shares']['bobs']}/revoke", {"other_candidate": 302}),
        ("GET", "/shared/" + "e" * 43, {"anonymous": 404}),                                # expired link
        ("GET", f"/shared/{'e' * 43}/answers/{a['shared']}", {"anonymous": 404}),
        ("GET", f"/shared/{'e' * 43}/answers/{a['shared']}/recording", {"anonymous": 404}),
        ("GET", "/invites/" + "x" * 43, {}),
    ]


def test_every_url_with_an_id_answers_404_to_everyone_it_is_not_for(app, world):
    failures = []
    for method, url, allowed in access_table(world):
        for role in ROLES:
            browser = world["browsers"][role]
            if method == "POST":   # with the browser's own valid CSRF token: the check is the page's
                response = browser.post(url, data={"csrf_token": csrf_token_from(browser.get("/"))})
            else:
                response = browser.get(url)
            expected = allowed.get(role, 302 if role == "anonymous" else 404)
            if response.status_code != expected:
                failures.append(f"{role} {method} {url}: {response.status_code}, expected {expected}")
            if role == "anonymous" and expected == 302:
                assert response.headers["Location"].startswith("/auth/login"), url
    assert not failures, "\n".join(failures)


def test_a_404_says_nothing_about_what_is_there(app, world):
    other = world["browsers"]["other_recruiter"]
    for url in (f"/attempts/{world['answers']['shared']}/report", f"/recruiter/candidates/{world['ids']['candidate']}"):
        response = other.get(url)
        assert response.status_code == 404 and b"Ada" not in response.data


# Side by side, with bands from 20 candidates -------------------------------------------------

def test_a_band_needs_at_least_20_candidates():
    assert MIN_CANDIDATES == 20
    nineteen = [float(n) for n in range(1, 20)]
    assert placement(19.0, nineteen) is None
    twenty = [float(n) for n in range(1, 21)]
    assert placement(1.0, twenty).band == "lowest quarter" and placement(1.0, twenty).percentile == 2.5
    assert placement(5.0, twenty).band == "lowest quarter"       # 22.5%
    assert placement(6.0, twenty).band == "second quarter"       # 27.5%
    assert placement(10.5, twenty).band == "third quarter"       # 50% exactly: above half of them
    assert placement(16.0, twenty).band == "highest quarter"     # 77.5%
    assert placement(99.0, twenty).percentile == 100 and placement(99.0, twenty).band == "highest quarter"
    assert placement(0.0, twenty).percentile == 0 and placement(0.0, twenty).candidates == 20
    assert placement(5.0, [5.0] * 20).percentile == 50             # ties count half


def test_compare_shows_bands_only_from_20_candidates(app, auth):
    recruiter, recruiter_id = signed_in(app, auth, "rita@hire.example", role="recruiter")
    _, ada = signed_in(app, auth, "ada@example.com", name="Ada")
    _, bob = signed_in(app, auth, "bob@example.com", name="Bob")
    add_share(app, ada, [stored_answer(app, ada, scores={"openness": 95.0})], email="rita@hire.example")
    add_share(app, bob, [stored_answer(app, bob, scores={"openness": 5.0})], email="rita@hire.example")
    add_candidates(app, 17, lambda n: {"openness": 20.0 + 3 * n})                     # 19 candidates in all
    stored_answer(app, recruiter_id, scores={"openness": 50.0})                        # a recruiter never counts
    add_candidates(app, 3, lambda n: {"openness": 50.0}, role="instructor", start=100)
    url = f"/recruiter/compare?question_id=1&modality=text&candidate={ada}&candidate={bob}"

    page = recruiter.get(url)
    assert page.status_code == 200 and b'id="not-enough"' in page.data
    assert "19 candidates have answered this question" in text_of(page)
    assert b"data-band=" not in page.data and b"not enough candidates to compare (19 of 20)" in page.data

    add_candidates(app, 1, lambda n: {"openness": 60.0}, start=17)                   # the 20th
    page = recruiter.get(url)
    html = page.data.decode()
    assert b'id="not-enough"' not in page.data and "20 candidates have answered" in text_of(page)
    bands = re.findall(r'data-candidate-id="(\d+)">\s*<span class="value">(\d+)</span>\s*<span class="band" data-band="([^"]+)"', html)
    assert bands == [(str(ada), "95", "highest quarter"), (str(bob), "5", "lowest quarter")]
    # Each is one of the 20 (ties count half): 19.5 of 20 below Ada, 0.5 below Bob.
    assert "above 98% of 20 candidates" in html and "above 2% of 20 candidates" in html
    assert html.count("model 60% accurate") == 2


def test_every_reading_carries_its_models_accuracy(app, auth):
    recruiter, _ = signed_in(app, auth, "rita@hire.example", role="recruiter")
    _, ada = signed_in(app, auth, "ada@example.com", name="Ada")
    add_share(app, ada, [stored_answer(app, ada, "video", confidence=0.66)], email="rita@hire.example")
    page = recruiter.get(f"/recruiter/compare?question_id=1&modality=video&candidate={ada}")
    rows = dict(re.findall(r'<tr data-name="([^"]+)">(.*?)</tr>', page.data.decode(), re.S))
    assert "model 66% accurate" in rows["face_happy"] and "model 66% accurate" in rows["voice_happy"]
    assert "no model" in rows["speaking_rate_syllables_per_second"] and "no model" in rows["face_share"]
    assert "Speaking rate" in rows["speaking_rate_syllables_per_second"] and "Happy face" in rows["face_happy"]
    assert "210" in rows["speaking_rate_syllables_per_second"]            # 3.5 syllables/s shown per minute
    # A reading stored without its figure takes the shipped model's.
    assert model_accuracy("face_happy", None) == model_info("face").accuracy
    assert model_accuracy("voice_sad", None) == model_info("speech").accuracy
    assert model_accuracy("openness", None) == model_info("personality").accuracy_by_class["openness"]
    assert model_accuracy("pause_count", None) is None and model_accuracy("face_happy", 0.5) == 0.5


def test_a_candidate_who_switched_emotion_readings_off_shows_none_in_the_comparison(app, auth):
    recruiter, _ = signed_in(app, auth, "rita@hire.example", role="recruiter")
    _, ada = signed_in(app, auth, "ada@example.com", name="Ada")
    add_share(app, ada, [stored_answer(app, ada, "video", confidence=0.66)], email="rita@hire.example")
    with app.app_context():
        db.session.get(User, ada).emotion_readings_enabled = False
        db.session.commit()
    page = recruiter.get(f"/recruiter/compare?question_id=1&modality=video&candidate={ada}")
    rows = dict(re.findall(r'<tr data-name="([^"]+)">(.*?)</tr>', page.data.decode(), re.S))
    assert "speaking_rate_syllables_per_second" in rows
    assert not [name for name in rows if name.startswith(("face_", "voice_"))]


def test_the_compare_page_lists_the_questions_candidates_share(app, auth):
    recruiter, _ = signed_in(app, auth, "rita@hire.example", role="recruiter")
    _, ada = signed_in(app, auth, "ada@example.com", name="Ada")
    _, bob = signed_in(app, auth, "bob@example.com", name="Bob")
    add_share(app, ada, [stored_answer(app, ada, question_id=2)], email="rita@hire.example")
    add_share(app, bob, [stored_answer(app, bob, question_id=2), stored_answer(app, bob, "video")], email="rita@hire.example")
    page = recruiter.get("/recruiter/compare").data.decode()
    assert 'id="compare-2-text"' in page and 'id="compare-1-video"' in page
    assert f'id="pick-2-text-{ada}"' in page and f'id="pick-2-text-{bob}"' in page and f'id="pick-1-video-{ada}"' not in page
    everyone = recruiter.get("/recruiter/compare?question_id=2&modality=text").data.decode()
    assert everyone.count('<th data-candidate-id="') == 2
    assert recruiter.get("/recruiter/compare?question_id=2&modality=smell").status_code == 404


# Invitations to practise ---------------------------------------------------------------------

def invite(browser, session_id, emails):
    page = browser.get(f"/recruiter/sessions/{session_id}")
    return browser.post(f"/recruiter/sessions/{session_id}", data={"csrf_token": csrf_token_from(page), "emails": emails})


def test_an_invited_candidate_accepts_and_the_recruiter_sees_progress_not_answers(app, auth, fake_model):
    recruiter, recruiter_id = signed_in(app, auth, "rita@hire.example", role="recruiter", name="Rita")
    candidate, ada = signed_in(app, auth, "ada@example.com", name="Ada")
    stranger, _ = signed_in(app, auth, "bob@example.com", name="Bob")
    session_id, items = add_session(app, recruiter_id)
    sent = invite(recruiter, session_id, "ADA@example.com, new@example.com\nnot-an-address")
    assert sent.status_code == 400 and b"not-an-address" in sent.data and sent.headers["Cache-Control"] == "no-store"
    links = dict(re.findall(r'class="invite-email">([^<]+)</span>.*?value="http://localhost(/invites/[^"]+)"',
                            sent.data.decode(), re.S))
    assert set(links) == {"ada@example.com", "new@example.com"}
    with app.app_context():
        stored = {i.email: i.token_hash for i in db.session.scalars(db.select(SessionInvite))}
        notice = db.session.scalar(db.select(Notice).where(Notice.user_id == ada))
    assert stored["ada@example.com"] == hashlib.sha256(links["ada@example.com"].split("/")[2].encode()).hexdigest()
    assert notice.link == links["ada@example.com"] and "Rita" in notice.message and "not your answers" in notice.message

    assert stranger.get(links["ada@example.com"]).status_code == 404                  # not the invited account
    assert app.test_client().get(links["ada@example.com"]).headers["Location"].startswith("/auth/login")
    assert "Graduate screen" not in candidate.get("/").data.decode()
    accepted = candidate.get(links["ada@example.com"])
    assert accepted.status_code == 302 and accepted.headers["Location"] == f"/sessions/{session_id}"
    assert "Graduate screen" in candidate.get("/").data.decode()
    assert candidate.get(links["ada@example.com"]).status_code == 302                 # again: no change

    page = candidate.get(f"/text/questions/1?session_item={items[0]}")
    candidate.post(f"/text/questions/1?session_item={items[0]}", content_type="multipart/form-data",
                   data={"csrf_token": csrf_token_from(page), "answer": ESSAY_LIKE_ANSWER})
    status = recruiter.get(f"/recruiter/sessions/{session_id}").data.decode()
    row = re.search(r'<tr data-invite-id="\d+" data-state="accepted">(.*?)</tr>', status, re.S).group(1)
    assert "ada@example.com" in row and "1 of 2" in row
    assert 'id="answers-private"' in status and "/attempts/" not in status and "customer complaints" not in status
    assert "already" in invite(recruiter, session_id, "ada@example.com").data.decode().lower()


def test_a_withdrawn_or_renewed_invitation_link_stops_working(app, auth):
    recruiter, recruiter_id = signed_in(app, auth, "rita@hire.example", role="recruiter")
    candidate, _ = signed_in(app, auth, "ada@example.com")
    session_id, _ = add_session(app, recruiter_id)
    first = re.search(r'value="http://localhost(/invites/[^"]+)"', invite(recruiter, session_id, "ada@example.com").data.decode()).group(1)
    second = re.search(r'value="http://localhost(/invites/[^"]+)"', invite(recruiter, session_id, "ada@example.com").data.decode()).group(1)
    assert first != second and candidate.get(first).status_code == 404
    with app.app_context():
        invite_id = db.session.scalar(db.select(SessionInvite.id))
    withdraw = recruiter.post(f"/recruiter/sessions/{session_id}/invites/{invite_id}/withdraw",
                              data={"csrf_token": csrf_token_from(recruiter.get("/questions"))})
    assert withdraw.status_code == 302 and candidate.get(second).status_code == 404
    assert b'id="no-invites"' in recruiter.get(f"/recruiter/sessions/{session_id}").data


def test_an_invitation_to_an_address_without_an_account_is_emailed(app, auth):
    recruiter, recruiter_id = signed_in(app, auth, "rita@hire.example", role="recruiter", name="Rita")
    session_id, _ = add_session(app, recruiter_id)
    with MailServer() as mail:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=mail.port, PUBLIC_URL="https://poise.example.org")
        page = invite(recruiter, session_id, "sam@elsewhere.example")
    assert page.status_code == 200 and "everyone was emailed" in text_of(page)
    assert [message["To"] for message in mail.messages] == ["sam@elsewhere.example"]
    assert re.search(r"https://poise.example.org/invites/[A-Za-z0-9_-]{43}", body_of(mail.messages[0]))


def test_a_recruiter_invites_only_to_their_own_sessions_without_a_class(app, auth):
    recruiter, recruiter_id = signed_in(app, auth, "rita@hire.example", role="recruiter")
    other_id = auth.create(email="otto@hire.example", role="recruiter")
    mine, _ = add_session(app, recruiter_id, title="Mine")
    theirs, _ = add_session(app, other_id, title="Theirs")
    invite(recruiter, mine, "ada@example.com, bob@example.com")
    listing = text_of(recruiter.get("/recruiter/sessions"))
    assert "Mine 2 questions" in listing and "2 invited" in listing and "Theirs" not in listing
    assert invite(recruiter, theirs, "ada@example.com").status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SessionInvite).where(
            SessionInvite.session_id == theirs)) == 0
    assert invite(recruiter, mine, "").status_code == 400


def test_the_session_pages_link_to_the_question_sets_only_where_they_are_served(app, auth):
    from interview.sharing.recruiter_views import url_if_served

    recruiter, _ = signed_in(app, auth, "rita@hire.example", role="recruiter")
    served = "classes.sets_page" in app.view_functions
    assert (b'id="question-sets"' in recruiter.get("/recruiter/sessions").data) is served
    with app.test_request_context():
        assert url_if_served("sharing.overview") == "/sharing" and url_if_served("nowhere.page") is None
