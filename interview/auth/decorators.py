"""Page guards by role. A page meant for one kind of user answers 403 to the others; pages
about one thing (an answer, a class, a share) answer 404 instead, through their own checks."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
