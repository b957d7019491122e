"""The accessibility statement and how ratings and statistics work: server-rendered pages. Every
server-rendered page extends templates/base.html, which draws the Dash shell's header and footer
from the words `shell_context` gives it."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template

from dashboard.model import TargetRule
from dashboard.wording import (
    DESIGN_EFFECT_METHOD,
    INTERVALS_METHOD,
    POINTS_METHOD,
    RULE_KEY,
    RULE_WORDS,
    SIGNIFICANCE_METHOD,
)
from data_access.access import current_email
from layouts import shell

blueprint = Blueprint("statements", __name__)


@blueprint.get("/accessibility")
def accessibility() -> str:
    return render_template("accessibility.html", signed_in_as=current_email())


@blueprint.get("/about-ratings")
def about_ratings() -> str:
    rules = [(RULE_WORDS[rule], RULE_KEY[rule]) for rule in TargetRule]
    return render_template(
        "about_ratings.html",
        signed_in_as=current_email(),
        rules=rules,
        design_effect_method=DESIGN_EFFECT_METHOD,
        intervals_method=INTERVALS_METHOD,
        significance_method=SIGNIFICANCE_METHOD,
        points_method=POINTS_METHOD,
    )


def shell_context() -> dict[str, object]:
    """The header's and footer's words for every template, for whoever is signed in."""
    return shell.shell_words(current_email())


def init_app(server: Flask) -> None:
    server.context_processor(shell_context)
    server.register_blueprint(blueprint)
