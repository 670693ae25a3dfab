"""Hypothesis profiles for the fuzz tests, and the triage knowledge they share (loaded once per session).

``HYPOTHESIS_PROFILE`` picks the budget: ``dev`` (the default outside CI: a quick look), ``ci`` (the default with
``CI=true``: derandomised, so a failure in CI fails the same way on any machine, about three minutes on two
cores) or ``deep`` (a long, randomised search to run by hand). No profile keeps an example database: a failure
prints the input (and ``@reproduce_failure``), which becomes a regression test in ``tests/unit``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from config.knowledge import load_knowledge
from handlers.knowledge import Knowledge
from tests.conftest import IN_CI, TEST_DATABASE

REPO = Path(__file__).resolve().parents[2]
EVENTS = REPO / "config" / "events.toml"

_COMMON = {
    "deadline": None,  # examples differ wildly in size (a PDF, a 2,000-part tree); the budget is the count
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
settings.register_profile("dev", max_examples=25, **_COMMON)
settings.register_profile("ci", max_examples=300, derandomize=True, **_COMMON)
settings.register_profile("deep", max_examples=5_000, **_COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if IN_CI else "dev")
settings.load_profile(PROFILE)


def scaled(fraction: float) -> settings:
    """The loaded profile with ``fraction`` of its examples (at least 10), for the costlier properties."""
    return settings(max_examples=max(10, int(settings.default.max_examples * fraction)))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The fuzz tests touch no database: on the PostgreSQL pass of scripts/test they would repeat the SQLite
    pass example for example (the CI profile is derandomised), so they run once."""
    if TEST_DATABASE != "postgresql":
        return
    skip = pytest.mark.skip(reason="no database here: the fuzz tests run once, in the SQLite pass")
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    """The shipped triage knowledge and model (seconds to load: once per session)."""
    return load_knowledge(EVENTS)
