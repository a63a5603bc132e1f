"""Telling people things: an in-app notice always, and an email as well when the deployment
configures an SMTP server (``POISE_SMTP_HOST``). A deployment with no mail server loses
nothing: every link an email would carry is in the notice too.
"""
import logging
import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app, has_request_context, request
from sqlalchemy import func, select

from interview.extensions import db
from interview.models import Notice, User

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10


def absolute(link: str) -> str:
    """A site-relative link as a full address, for email."""
    if link.startswith(("http://", "https://")):
        return link
    base = current_app.config.get("PUBLIC_URL") or (request.host_url if has_request_context() else "")
    return base.rstrip("/") + link


def notify(user: User, message: str, link: str | None = None, subject: str | None = None) -> Notice:
    """Leave ``user`` a notice (caller commits) and email it to them when mail is configured."""
    notice = Notice(user_id=user.id, message=message[:300], link=link)
    db.session.add(notice)
    if subject:
        body = message + (f"\n\n{absolute(link)}" if link else "")
        send_email(user.email, subject, body)
    return notice


def send_email(to: str, subject: str, body: str) -> bool:
    """Send one plain-text email; False (and a log line) when mail is off or the server fails,
    so a mail outage never breaks the page that triggered it."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return False
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["MAIL_FROM"], to, subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("could not email %s (%s): %s", to, subject, error)
        return False
    return True


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notice).where(
        Notice.user_id == user_id, Notice.read_at.is_(None))) or 0
