"""Flask extensions, created bare and bound to the app in ``app.register_extensions``."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"
# Limits are declared on the views (interview/auth/limits.py); storage and switches come from
# the RATELIMIT_* settings. Behind a proxy the address is the client's once ProxyFix is on
# (POISE_BEHIND_PROXY=1).
limiter = Limiter(key_func=get_remote_address)
