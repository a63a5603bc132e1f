"""Notices in the app always; email through a real local SMTP server when one is configured."""
from interview.extensions import db
from interview.models import Notice, User
from interview.notify import notify, send_email, unread_count
from tests.mail_server import MailServer, free_port


def _user(app):
    with app.app_context():
        user = User(email="ada@example.com", display_name="Ada", password_hash="x")
        db.session.add(user)
        db.session.commit()
        return user.id


def test_a_notice_is_kept_in_the_app_without_a_mail_server(app):
    user_id = _user(app)
    with app.test_request_context():
        notify(db.session.get(User, user_id), "New feedback on your answer.", "/attempts/1/report",
               subject="New feedback")
        db.session.commit()
        assert unread_count(user_id) == 1
        assert db.session.scalar(db.select(Notice.link)) == "/attempts/1/report"


def test_a_configured_mail_server_receives_the_email_with_a_full_link(app):
    user_id = _user(app)
    with MailServer() as mail:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=mail.port, PUBLIC_URL="https://poise.example.org")
        with app.test_request_context():
            notify(db.session.get(User, user_id), "New feedback on your answer.", "/attempts/1/report",
                   subject="New feedback")
            db.session.commit()
    assert len(mail.messages) == 1
    message = mail.messages[0]
    assert message["To"] == "ada@example.com" and message["Subject"] == "New feedback"
    assert "https://poise.example.org/attempts/1/report" in message.get_payload()


def test_a_mail_server_that_is_down_never_breaks_the_caller(app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nothing listens there
    with app.test_request_context():
        assert send_email("ada@example.com", "Hello", "Body") is False
