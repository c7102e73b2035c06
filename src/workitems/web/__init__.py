"""The web app: server-rendered pages over the same services as the API.

Pages sign people in with a password and a session cookie (API tokens stay for machines).
Routes parse the form, call one service function and render; ``routing.WebRoute`` turns
domain errors into readable pages. Assets are served from ``static/``: no CDN, no build.
"""

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from workitems.web import (
    account,
    admin,
    cleanup,
    create,
    dashboard,
    notifications,
    profile,
    review,
    tasks,
    transcripts,
    webhooks,
    work,
)
from workitems.web.render import STATIC


def _favicon() -> RedirectResponse:
    return RedirectResponse("/static/favicon.svg", status_code=301)


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (the API docs).
    app.add_api_route("/favicon.ico", _favicon, include_in_schema=False)
    for module in (
        account,
        profile,
        work,
        create,
        tasks,
        review,
        transcripts,
        dashboard,
        cleanup,
        admin,
        notifications,
        webhooks,
    ):
        app.include_router(module.router)
