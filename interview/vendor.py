"""Front-end libraries served from the Python packages that ship them (no CDN, works offline)."""
from pathlib import Path

from flask import Blueprint, abort, send_file

bp = Blueprint("vendor", __name__, url_prefix="/vendor")


@bp.route("/plotly.min.js")
def plotly():
    import plotly as plotly_package

    script = Path(plotly_package.__file__).parent / "package_data" / "plotly.min.js"
    if not script.exists():
        abort(404)
    return send_file(script, mimetype="text/javascript", max_age=7 * 24 * 3600)
