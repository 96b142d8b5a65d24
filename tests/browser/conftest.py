"""What the browser tests share: a page already logged in; requests that end before the reset."""

import threading
import time

import pytest
from django.conf import settings
from django.test import Client


def logged_in_page(browser, live_server, user, **context_options):
    """A page of a new browser context that carries `user`'s session cookie."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID", **context_options
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


@pytest.fixture
def staff_page(browser, live_server, staff):
    page = logged_in_page(browser, live_server, staff, accept_downloads=True)
    yield page
    page.context.close()


class InFlight:
    """The live server's application, counting the requests it has not finished answering.

    A page closed at the end of a test leaves the server answering what it
    asked last (a signer's copy, a refresh). If the database is emptied
    meanwhile, PostgreSQL finds the two waiting for each other's locks and the
    next test starts on a database that was not emptied.
    """

    def __init__(self, app):
        self.app = app
        self.count = 0
        self.changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self.changed:
            self.count += 1
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._finished()
            raise
        return _Answer(body, self._finished)

    def _finished(self):
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.count and (left := deadline - time.monotonic()) > 0:
                self.changed.wait(left)


class _Answer:
    """A response body that says when the server is done with it (wsgiref closes it)."""

    def __init__(self, body, finished):
        self.body = body
        self.finished = finished

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.finished()


@pytest.fixture(autouse=True)
def _requests_end_before_the_database_is_emptied(request):
    """After a test's pages are closed, the live server finishes what it was answering."""
    if "live_server" not in request.fixturenames:
        yield
        return
    server = request.getfixturevalue("live_server").thread.httpd
    if not isinstance(server.get_app(), InFlight):
        server.set_app(InFlight(server.get_app()))
    yield
    server.get_app().wait(timeout=15)
