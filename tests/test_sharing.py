"""The candidate's side of sharing: chosen answers or a benchmark profile, with a recruiter by
email or through a link that expires; every view logged; revoking ends access at once; link
viewers see reports read-only and replays through the link's own route."""
import hashlib
import re
from datetime import timedelta

from interview.extensions import db
from interview.models import Attempt, Notice, Score, Share, ShareView, User, utcnow
from interview.results import stored
from interview.scoring import record_scores
from tests.conftest import csrf_token_from, post_text_answer
from tests.mail_server import MailServer
from interview.answers.measures import DELIVERY as DELIVERY_MEASURES
from tests.test_results import DELIVERY, FACE_PROBABILITIES, VOICE_PROBABILITIES, video_result

PASSWORD = "correct horse"
WEBM_BYTES = b"\x1a\x45\xdf\xa3" + b"\x00" * 60
VIDEO_SCORES = {**{"face_" + name: value * 100 for name, value in FACE_PROBABILITIES.items()}, "face_share": 50.0,
                **{"voice_" + name: value * 100 for name, value in VOICE_PROBABILITIES.items()},
                **{item.name: DELIVERY[item.name] for item in DELIVERY_MEASURES if item.name in DELIVERY}}
MODEL_READINGS = ("face_", "voice_", "openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")


# Helpers, shared with test_recruiter.py -------------------------------------------------------

def signed_in(app, auth, email, role="candidate", name=None):
    """A new browser (test client) signed in as a new account; returns (client, user id)."""
    user_id = auth.create(email=email, name=name or email.split("@")[0].capitalize(), role=role)
    browser = app.test_client()
    page = browser.get("/auth/login")
    response = browser.post("/auth/login", data={"email": email, "password": PASSWORD,
                                                  "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    return browser, user_id


def stored_answer(app, user_id, modality="text", question_id=1, scores=None, when=None, confidence=0.6):
    """A completed answer with its scores in the cohort totals; a video one with a recording file."""
    with app.app_context():
        attempt = Attempt(user_id=user_id, question_id=question_id, modality=modality, status="complete",
                          source="recording" if modality != "text" else "typed",
                          created_at=when or utcnow())
        if modality == "text":
            attempt.answer_text, attempt.word_count, attempt.details = "My private answer text.", 4, {"top_words": []}
            scores = scores if scores is not None else {"openness": 60.0, "extraversion": 40.0}
        else:
            attempt.details = stored(video_result())
            attempt.recording_path, attempt.media_type = f"{user_id}/answer-{question_id}.webm", "video/webm"
            store = app.extensions["recording_store"].root / str(user_id)
            store.mkdir(parents=True, exist_ok=True)
            (store / f"answer-{question_id}.webm").write_bytes(WEBM_BYTES)
            scores = scores if scores is not None else VIDEO_SCORES
        attempt.scores = [Score(user_id=user_id, question_id=question_id, modality=modality, name=name, value=value,
                                confidence=confidence if name.startswith(MODEL_READINGS) and name != "face_share" else None)
                          for name, value in scores.items()]
        db.session.add(attempt)
        db.session.flush()
        record_scores(attempt)
        db.session.commit()
        return attempt.id


def share_by_email(browser, attempt_ids, email, kind="answers", pins=None):
    page = browser.get(f"/sharing/{kind}/new")
    data = {"csrf_token": csrf_token_from(page), "how": "email", "email": email, "days": "7", **(pins or {})}
    if kind == "answers":
        data["attempts"] = [str(i) for i in attempt_ids]
    return browser.post(f"/sharing/{kind}/new", data=data)


def share_by_link(browser, attempt_ids, days=7, kind="answers"):
    """Share by link; returns (response, token)."""
    page = browser.get(f"/sharing/{kind}/new")
    data = {"csrf_token": csrf_token_from(page), "how": "link", "email": "", "days": str(days)}
    if kind == "answers":
        data["attempts"] = [str(i) for i in attempt_ids]
    response = browser.post(f"/sharing/{kind}/new", data=data)
    match = re.search(r'/shared/([A-Za-z0-9_-]+)"', response.data.decode())
    return response, match.group(1) if match else None


def only_share(app) -> Share:
    with app.app_context():
        shares = db.session.scalars(db.select(Share)).all()
        assert len(shares) == 1
        db.session.expunge_all()
        return shares[0]


def post_revoke(browser, share_id):
    return browser.post(f"/sharing/{share_id}/revoke",
                        data={"csrf_token": csrf_token_from(browser.get("/questions"))})


def body_of(message) -> str:
    return message.get_payload(decode=True).decode().replace("\r\n", "\n")


def flashed(response) -> str:
    return " ".join(re.findall(r'class="flash flash-success"[^>]*>([^<]*)<', response.data.decode()))


def text_of(response) -> str:
    """A page's words, without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.data.decode()).split())


# The candidate shares --------------------------------------------------------------------------

def test_the_nav_offers_sharing_to_candidates_and_candidates_to_recruiters(app, auth):
    candidate, _ = signed_in(app, auth, "ada@example.com")
    recruiter, _ = signed_in(app, auth, "rita@hire.example", role="recruiter")
    candidate_home, recruiter_home = candidate.get("/").data.decode(), recruiter.get("/").data.decode()
    assert 'id="nav-sharing"' in candidate_home and 'id="nav-candidates"' not in candidate_home
    assert 'id="nav-candidates"' in recruiter_home and 'id="nav-sharing"' not in recruiter_home
    assert candidate.get("/sharing").status_code == 200
    assert b"not shared anything yet" in candidate.get("/sharing").data


def test_chosen_answers_shared_by_email_reach_that_recruiter_only(app, auth, fake_model):
    candidate, _ = signed_in(app, auth, "ada@example.com", name="Ada")
    recruiter, recruiter_id = signed_in(app, auth, "rita@hire.example", role="recruiter", name="Rita")
    other_recruiter, _ = signed_in(app, auth, "otto@hire.example", role="recruiter")
    shared_id = int(post_text_answer(candidate).headers["Location"].split("/")[2])
    kept_id = int(post_text_answer(candidate, question_id=2).headers["Location"].split("/")[2])

    response = share_by_email(candidate, [shared_id], "Rita@Hire.Example")   # case does not matter
    assert response.status_code == 302 and response.headers["Location"] == "/sharing"
    share = only_share(app)
    assert share.kind == "answers" and share.recipient_email == "rita@hire.example"
    assert share.token_hash is None and share.expires_at is None
    with app.app_context():
        notice = db.session.scalar(db.select(Notice).where(Notice.user_id == recruiter_id))
        assert "Ada shared" in notice.message and notice.link == f"/recruiter/candidates/{share.owner_id}"

    assert recruiter.get(f"/attempts/{shared_id}/report").status_code == 200
    assert recruiter.get(f"/attempts/{kept_id}/report").status_code == 404
    assert other_recruiter.get(f"/attempts/{shared_id}/report").status_code == 404

    overview = candidate.get("/sharing")
    assert "Rita &lt;rita@hire.example&gt; : 1 view" in text_of(overview)
    assert f'id="revoke-{share.id}"' in overview.data.decode()


def test_the_share_forms_refuse_what_cannot_be_shared(app, auth, fake_model):
    candidate, _ = signed_in(app, auth, "ada@example.com")
    someone, _ = signed_in(app, auth, "bob@example.com")
    mine = int(post_text_answer(candidate).headers["Location"].split("/")[2])
    theirs = int(post_text_answer(someone).headers["Location"].split("/")[2])
    assert share_by_email(candidate, [theirs], "rita@hire.example").status_code == 400
    assert share_by_email(candidate, [], "rita@hire.example").status_code == 400
    assert share_by_email(candidate, [mine], "").status_code == 400
    assert b"your own address" in share_by_email(candidate, [mine], "ADA@example.com").data
    assert share_by_link(candidate, [mine], days=0)[0].status_code == 400
    assert share_by_link(candidate, [mine], days=31)[0].status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Share)) == 0


def test_a_link_is_shown_once_and_only_its_hash_is_kept(app, auth, fake_model):
    candidate, _ = signed_in(app, auth, "ada@example.com", name="Ada")
    answer = int(post_text_answer(candidate).headers["Location"].split("/")[2])
    response, token = share_by_link(candidate, [answer], days=3)
    assert response.status_code == 200 and token and response.headers["Cache-Control"] == "no-store"
    share = only_share(app)
    assert share.token_hash == hashlib.sha256(token.encode()).hexdigest() and share.recipient_email is None
    expires = share.expires_at.replace(tzinfo=None)
    assert timedelta(days=2, hours=23) < expires - utcnow().replace(tzinfo=None) <= timedelta(days=3)
    assert token not in candidate.get("/sharing").data.decode()

    anyone = app.test_client()
    home = anyone.get(f"/shared/{token}")
    assert home.status_code == 200 and b"Ada's answers" in home.data
    assert home.headers["Referrer-Policy"] == "no-referrer" and home.headers["Cache-Control"] == "no-store"
    report = anyone.get(f"/shared/{token}/answers/{answer}")
    assert report.status_code == 200 and b"Big Five" in report.data and b"My written answers over time" not in report.data
    assert b"Answer this question again" not in report.data and b'id="shared-link-home"' in report.data

    bob, _ = signed_in(app, auth, "bob@example.com", name="Bob")
    assert bob.get(f"/shared/{token}").status_code == 200
    with app.app_context():
        labels = [view.viewer_label for view in db.session.scalars(db.select(ShareView).order_by(ShareView.id))]
    assert labels == ["someone with the link", "someone with the link", "Bob <bob@example.com>"]
    overview = text_of(candidate.get("/sharing"))
    assert "someone with the link : 2 views" in overview and "Bob &lt;bob@example.com&gt; : 1 view" in overview
    assert "Every view (3)" in overview and overview.count("UTC · someone with the link") == 2


def test_a_link_viewer_replays_through_the_link_and_sees_nothing_else(app, auth):
    candidate, owner_id = signed_in(app, auth, "ada@example.com")
    shared = stored_answer(app, owner_id, "video", question_id=1)
    unshared = stored_answer(app, owner_id, "video", question_id=2)
    _, token = share_by_link(candidate, [shared])
    anyone = app.test_client()
    html = anyone.get(f"/shared/{token}/answers/{shared}").data.decode()
    assert f'src="/shared/{token}/answers/{shared}/recording"' in html
    assert f"/attempts/{shared}/recording" not in html and 'id="attempts"' not in html
    replay = anyone.get(f"/shared/{token}/answers/{shared}/recording")
    assert replay.status_code == 200 and replay.data == WEBM_BYTES
    assert replay.headers["Referrer-Policy"] == "no-referrer"
    for url in (f"/shared/{token}/answers/{unshared}", f"/shared/{token}/answers/{unshared}/recording",
                f"/attempts/{shared}/recording", f"/attempts/{shared}/report"):
        assert anyone.get(url).status_code in (302, 404), url   # the owner's routes want a sign-in
        assert WEBM_BYTES not in anyone.get(url).data
    # The owner's own report still replays through the owner's route.
    assert f'src="/attempts/{shared}/recording"' in candidate.get(f"/attempts/{shared}/report").data.decode()


def test_expired_revoked_and_unknown_links_answer_404_and_say_nothing_more(app, auth, fake_model):
    candidate, _ = signed_in(app, auth, "ada@example.com", name="Ada")
    answer = int(post_text_answer(candidate).headers["Location"].split("/")[2])
    _, expiring = share_by_link(candidate, [answer])
    _, revoked = share_by_link(candidate, [answer])
    with app.app_context():
        share = db.session.scalar(db.select(Share).where(Share.token_hash == hashlib.sha256(expiring.encode()).hexdigest()))
        share.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        revoked_id = db.session.scalar(db.select(Share.id).where(
            Share.token_hash == hashlib.sha256(revoked.encode()).hexdigest()))
    anyone = app.test_client()
    assert anyone.get(f"/shared/{revoked}/answers/{answer}").status_code == 200
    assert post_revoke(candidate, revoked_id).status_code == 302
    for token in (expiring, revoked, "not-a-token", "x" * 500):
        for url in (f"/shared/{token}", f"/shared/{token}/answers/{answer}", f"/shared/{token}/answers/{answer}/recording"):
            response = anyone.get(url)
            assert response.status_code == 404, url
            assert b"Ada" not in response.data and b"expired" not in response.data and b"revoked" not in response.data
    overview = candidate.get("/sharing").data.decode()
    assert overview.count('data-status="expired"') == 1 and overview.count('data-status="revoked"') == 1


def test_revoking_ends_a_recruiters_access_at_once(app, auth):
    candidate, owner_id = signed_in(app, auth, "ada@example.com")
    recruiter, _ = signed_in(app, auth, "rita@hire.example", role="recruiter")
    answer = stored_answer(app, owner_id, "video")
    share_by_email(candidate, [answer], "rita@hire.example")
    share = only_share(app)
    urls = (f"/attempts/{answer}/report", f"/attempts/{answer}/recording", f"/recruiter/candidates/{owner_id}",
            f"/recruiter/compare?question_id=1&modality=video&candidate={owner_id}")
    assert [recruiter.get(url).status_code for url in urls] == [200, 200, 200, 200]
    assert post_revoke(candidate, share.id).status_code == 302
    assert [recruiter.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert b"No one shares with you yet" in recruiter.get("/recruiter").data
    assert 'data-status="revoked"' in candidate.get("/sharing").data.decode()


def test_only_the_owner_can_revoke_a_share(app, auth, fake_model):
    candidate, _ = signed_in(app, auth, "ada@example.com")
    recruiter, _ = signed_in(app, auth, "rita@hire.example", role="recruiter")
    someone, _ = signed_in(app, auth, "bob@example.com")
    answer = int(post_text_answer(candidate).headers["Location"].split("/")[2])
    share_by_email(candidate, [answer], "rita@hire.example")
    share = only_share(app)
    assert post_revoke(someone, share.id).status_code == 404
    assert post_revoke(recruiter, share.id).status_code == 404
    assert post_revoke(candidate, share.id + 1).status_code == 404
    assert app.test_client().post(f"/sharing/{share.id}/revoke").status_code in (302, 400)  # sign-in or CSRF first
    assert only_share(app).revoked_at is None
    assert recruiter.get(f"/attempts/{answer}/report").status_code == 200


def test_a_profile_shows_the_latest_answer_per_question_and_mode_unless_one_is_pinned(app, auth):
    candidate, owner_id = signed_in(app, auth, "ada@example.com")
    recruiter, _ = signed_in(app, auth, "rita@hire.example", role="recruiter")
    first = stored_answer(app, owner_id, "text", question_id=1, when=utcnow() - timedelta(days=2))
    second = stored_answer(app, owner_id, "text", question_id=1, when=utcnow() - timedelta(days=1))
    other = stored_answer(app, owner_id, "text", question_id=2)
    video = stored_answer(app, owner_id, "video", question_id=1)
    form = candidate.get("/sharing/profile/new").data.decode()
    assert 'name="pin_1_text"' in form and 'name="pin_1_video"' in form and 'name="pin_2_text"' in form

    assert share_by_email(candidate, [], "rita@hire.example", kind="profile", pins={"pin_1_text": str(first)}).status_code == 302
    visible = {a: recruiter.get(f"/attempts/{a}/report").status_code for a in (first, second, other, video)}
    assert visible == {first: 200, second: 404, other: 200, video: 200}
    # A newer answer replaces the latest where nothing is pinned, and only there.
    newer = stored_answer(app, owner_id, "text", question_id=2)
    assert recruiter.get(f"/attempts/{newer}/report").status_code == 200
    assert recruiter.get(f"/attempts/{other}/report").status_code == 404
    assert "pinned" in candidate.get("/sharing").data.decode()


def test_a_profile_pin_must_be_one_of_the_candidates_answers_to_that_question(app, auth):
    candidate, owner_id = signed_in(app, auth, "ada@example.com")
    _, other_id = signed_in(app, auth, "bob@example.com")
    stored_answer(app, owner_id, "text", question_id=1)
    on_question_2 = stored_answer(app, owner_id, "text", question_id=2)
    theirs = stored_answer(app, other_id, "text", question_id=1)
    for pin in (str(theirs), str(on_question_2), "nonsense"):
        response = share_by_email(candidate, [], "rita@hire.example", kind="profile", pins={"pin_1_text": pin})
        assert response.status_code == 400, pin
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Share)) == 0


def test_a_share_by_email_is_emailed_through_a_real_mail_server(app, auth, fake_model):
    candidate, _ = signed_in(app, auth, "ada@example.com", name="Ada")
    signed_in(app, auth, "rita@hire.example", role="recruiter")
    answer = int(post_text_answer(candidate).headers["Location"].split("/")[2])
    with MailServer() as mail:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=mail.port, PUBLIC_URL="https://poise.example.org")
        to_account = share_by_email(candidate, [answer], "rita@hire.example")
        told_for_account = flashed(candidate.get("/sharing"))
        to_stranger = share_by_email(candidate, [answer], "sam@elsewhere.example")
        told_for_stranger = flashed(candidate.get("/sharing"))
    assert to_account.status_code == to_stranger.status_code == 302
    by_address = {message["To"]: message for message in mail.messages}
    assert set(by_address) == {"rita@hire.example", "sam@elsewhere.example"}
    assert "Ada shared" in by_address["rita@hire.example"]["Subject"]
    assert "https://poise.example.org/recruiter/candidates/" in body_of(by_address["rita@hire.example"])
    assert "https://poise.example.org/recruiter\n" in body_of(by_address["sam@elsewhere.example"])
    # The candidate is told the same either way: a share never reveals who has an account.
    assert "emailed" in told_for_account
    assert told_for_account.replace("rita@hire.example", "X") == told_for_stranger.replace("sam@elsewhere.example", "X")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Notice)) == 1   # the account only
        assert db.session.scalar(db.select(User.id).where(User.email == "sam@elsewhere.example")) is None


def test_a_profile_can_be_shared_by_link(app, auth):
    candidate, owner_id = signed_in(app, auth, "ada@example.com", name="Ada")
    older = stored_answer(app, owner_id, "text", question_id=1, when=utcnow() - timedelta(days=1))
    latest = stored_answer(app, owner_id, "text", question_id=1)
    response, token = share_by_link(candidate, [], days=1, kind="profile")
    assert response.status_code == 200 and token and b"shown only this once" in response.data
    page = app.test_client().get(f"/shared/{token}").data.decode()
    assert "Ada's benchmark profile" in page
    assert f"/shared/{token}/answers/{latest}" in page and f"/answers/{older}" not in page
