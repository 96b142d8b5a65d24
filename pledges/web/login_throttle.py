"""Login throttling: per username at an address, and per address across usernames.

django-axes counts failures per (username, address): five wrong passwords
for one account lock that account at that address. One password tried
against many accounts (password spraying) never fails twice for the same
pair, so axes alone never slows it. This handler also locks an address once
wrong passwords were given there for AXES_FAILURE_LIMIT different usernames
within the cool-off time.

It counts usernames, not failures, and a successful login clears that
username's failures as before: a venue where several staff share one NAT
address is not locked because one of them mistyped a password five times
(that locks only their own account), nor because several mistyped once and
then got in. Only usernames that keep failing count. Adding "ip_address" to
AXES_LOCKOUT_PARAMETERS instead would lock the whole venue after any five
failures, and would let any successful login there wipe the failures of
every other account, including one being guessed.
"""

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt


class UsernamesPerAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        per_username = super().get_failures(request, credentials)
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        usernames = attempts.values("username").distinct().count()
        return max(per_username, usernames)
