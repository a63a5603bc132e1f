"""Settings from the environment, with safe defaults (SQLite under instance/)."""
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _instance_secret_key(instance_path: Path) -> str:
    """A secret key kept under instance/ so sessions survive restarts without a constant in code."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when several gunicorn workers race here, exactly one writes and all read its key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def settings_from_environment(instance_path: Path) -> dict:
    """Everything the app reads from its environment, in one place."""
    database_url = os.environ.get(
        "POISE_DATABASE_URL", f"sqlite:///{instance_path / 'poise.sqlite3'}"
    )
    return {
        "SECRET_KEY": os.environ.get("POISE_SECRET_KEY") or _instance_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A pooled connection is checked before use, so a database server's restart costs no
        # request a 500 (PostgreSQL drops every connection; SQLite pays a trivial SELECT 1).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("POISE_SECURE_COOKIES", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # 1 when a reverse proxy (deploy/nginx.conf) is in front: trust its X-Forwarded-* headers.
        "BEHIND_PROXY": os.environ.get("POISE_BEHIND_PROXY", "0") == "1",
        # Rate limits (Flask-Limiter) on sign-in, sign-up and "forgot your password?". The counts
        # live in this process unless a Redis URL shares them between workers and machines; if
        # that server is down, each process counts on its own rather than refusing everyone.
        "RATELIMIT_ENABLED": os.environ.get("POISE_RATELIMIT", "1") == "1",
        "RATELIMIT_STORAGE_URI": os.environ.get("POISE_RATELIMIT_STORAGE_URL") or "memory://",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_KEY_PREFIX": "poise",
        # Failed sign-ins only: enough to stop guessing, never a person who mistypes.
        "SIGNIN_LIMIT_PER_ACCOUNT": os.environ.get("POISE_SIGNIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        # Per client address; raise both where a whole campus reaches Poise through one address.
        "SIGNIN_LIMIT_PER_ADDRESS": os.environ.get("POISE_SIGNIN_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
        "SIGNUP_LIMIT_PER_ADDRESS": os.environ.get("POISE_SIGNUP_LIMIT_PER_ADDRESS", "20 per hour"),
        "FORGOT_LIMIT_PER_ADDRESS": "10 per hour",
        # Uploads larger than this are refused with 413 before they reach a view.
        "MAX_CONTENT_LENGTH": int(os.environ.get("POISE_MAX_UPLOAD_MB", "50")) * 1024 * 1024,
        "PDF_MAX_MB": int(os.environ.get("POISE_PDF_MAX_MB", "10")),
        "PDF_MAX_PAGES": int(os.environ.get("POISE_PDF_MAX_PAGES", "20")),
        "PDF_TIMEOUT_SECONDS": float(os.environ.get("POISE_PDF_TIMEOUT_SECONDS", "10")),
        "ANSWER_MIN_WORDS": 50,
        "ANSWER_MAX_WORDS": 5000,
        # Emotion features (audio and video interviews) can be switched off for a deployment.
        "EMOTION_FEATURES_ENABLED": os.environ.get("POISE_EMOTION_FEATURES", "1") == "1",
        # Recordings live outside static/, under per-user folders.
        "RECORDINGS_DIR": os.environ.get("POISE_RECORDINGS_DIR", str(instance_path / "recordings")),
        # Each serving process runs one background analysis thread (tests switch it off).
        "JOBS_ENABLED": os.environ.get("POISE_JOBS", "1") == "1",
        # Recordings older than this are deleted (the report's numbers stay) unless kept.
        "RECORDING_RETENTION_DAYS": int(os.environ.get("POISE_RECORDING_RETENTION_DAYS", "30")),
        # The site's address as people reach it, for links in emails (else the request's host).
        "PUBLIC_URL": os.environ.get("POISE_PUBLIC_URL", ""),
        # Email (invitations, feedback notices, password resets) only when a server is set.
        "SMTP_HOST": os.environ.get("POISE_SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("POISE_SMTP_PORT", "25")),
        "SMTP_USER": os.environ.get("POISE_SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("POISE_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": os.environ.get("POISE_SMTP_STARTTLS", "0") == "1",
        "MAIL_FROM": os.environ.get("POISE_MAIL_FROM", "Poise <poise@localhost>"),
    }
