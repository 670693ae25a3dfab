"""Everything for a person that is none of the other kinds: thanks, press, invitations, mail for other services."""

from __future__ import annotations

from handlers.kind import Kind

KIND = Kind("other", "other")
