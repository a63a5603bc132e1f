"""Security headers on every response, no malformed form (a NUL character, a part with no
readable name) past the first check, and trust in a reverse proxy's X-Forwarded-* headers only
where the deployment says one is in front (``POISE_BEHIND_PROXY=1``).

A small ``after_request`` rather than flask-talisman: the policy is a handful of fixed headers
plus one per-page rule (camera and microphone on the recording pages only), and a view may
already have set a stricter Referrer-Policy (password-reset and share links) that must win.
"""
from flask import Flask, abort, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Every script is served from this origin (static/ and /vendor); no inline script may run
# (JSON data blocks are not scripts). Plotly sets inline styles and draws images from data:
# and blob: URLs; recordings play from blob: URLs before upload.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HSTS = "max-age=31536000; includeSubDomains"
# The pages that record ask for the camera and microphone; no other page may.
RECORDING_ENDPOINTS = frozenset({"recordings.record"})
DEVICES_ALLOWED = "camera=(self), microphone=(self), geolocation=(), payment=(), usb=()"
DEVICES_DENIED = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def init_app(app: Flask) -> None:
    # Ahead of every other check, CSRFProtect's included: it fails (a 500) on a form part whose
    # name could not be read, when it looks for a prefixed token among the form's keys.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_malformed_input)
    app.after_request(add_security_headers)
    if app.config.get("BEHIND_PROXY"):
        # One proxy: trust exactly one hop of X-Forwarded-For/-Proto/-Host, so a client cannot
        # forge its address or make a plain-HTTP request look secure.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def refuse_malformed_input():
    """A 400 for a form field, query value or path part holding a NUL character (no one types
    one, and PostgreSQL cannot store one: a name with one in it failed sign-up with a 500), and
    for a multipart part whose name could not be read (its key is None: a 500 in CSRFProtect)."""
    if any(not isinstance(key, str) for key in request.form):
        abort(400)
    values = [value for _, value in request.args.items(multi=True)]
    values += [value for _, value in request.form.items(multi=True)]
    values += (request.view_args or {}).values()
    if any(isinstance(value, str) and "\x00" in value for value in values):
        abort(400)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    recording = request.endpoint in RECORDING_ENDPOINTS
    headers.setdefault("Permissions-Policy", DEVICES_ALLOWED if recording else DEVICES_DENIED)
    # Only over TLS: POISE_SECURE_COOKIES=1 says the site is served over HTTPS.
    if request.is_secure or current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response
