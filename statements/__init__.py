"""The accessibility statement and how ratings and statistics work: server-rendered pages."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from data_access.access import current_email

blueprint = Blueprint("statements", __name__)


@blueprint.get("/accessibility")
def accessibility() -> str:
    return render_template("accessibility.html", signed_in_as=current_email())


@blueprint.get("/about-ratings")
def about_ratings() -> str:
    return render_template("about_ratings.html", signed_in_as=current_email())


def init_app(server: Flask) -> None:
    server.register_blueprint(blueprint)
