"""Django admin, in Bahasa Indonesia, limited to each staff user's units.

The admin is one more door: every write goes through the domain functions
(`pledges.services.events`, `pledges.services.signatories`, `pledges.services.templates`,
`pledges.services.accounts`) and every form asks `pledges.services.rulebook` first, so a
refusal shows beside the form in Indonesian and nothing is half saved.
Evidence (signatures, documents, audit entries, a frozen pledge and its
hash, final counts) is read-only for everyone, superusers included.
"""

from pledges.admin import accounts, evidence, people, templates  # noqa: F401  (registers)
