"""What the staff-side browser tests share: a browser page already logged in."""

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
