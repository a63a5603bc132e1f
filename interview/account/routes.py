"""Notices: the list (newest first; opening it marks them read) and dismissing one."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, update

from interview.extensions import db
from interview.models import Notice, utcnow
from interview.notify import unread_count

bp = Blueprint("account", __name__)

SHOWN = 200  # the newest notices shown; older ones stay in the archive ("Download my data")


def safe_link(link: str | None) -> str | None:
    """Notices link inside the site; anything else is not shown as a link."""
    if link and link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return None


@bp.app_context_processor
def notice_badge() -> dict:
    """``unread_notices()`` for the header (counted only where the header asks)."""
    return {"unread_notices": lambda: unread_count(current_user.id) if current_user.is_authenticated else 0}


@bp.route("/notices")
@login_required
def notices():
    shown = db.session.scalars(select(Notice).where(Notice.user_id == current_user.id)
                               .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(SHOWN)).all()
    unread = {notice.id for notice in shown if notice.read_at is None}
    page = render_template("account/notices.html", notices=shown, unread=unread, safe_link=safe_link)
    db.session.execute(update(Notice).where(Notice.user_id == current_user.id, Notice.read_at.is_(None))
                       .values(read_at=utcnow()))
    db.session.commit()
    return page


@bp.route("/notices/<int:notice_id>/delete", methods=["POST"])
@login_required
def delete_notice(notice_id: int):
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.user_id != current_user.id:
        abort(404)
    db.session.delete(notice)
    db.session.commit()
    flash("Notice removed.", "info")
    return redirect(url_for("account.notices"))
