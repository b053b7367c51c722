"""pytest plugin: skip the browser's tours, loaded by scripts/test.sh when
TEST_NOW moves the clocks of Odoo and PostgreSQL (libfaketime): Chromium does
not start under libfaketime, and a browser on the real clock would not test
the moved day anyway. The tours run in the run at the real time. Also loaded
for the core tests on the database without Email Marketing (NO_BROWSER_REASON
says why), whose tours run on the database with it."""

import os
import unittest

REASON = os.environ.get("NO_BROWSER_REASON") or (
    "TEST_NOW: the browser's tours run in the run at the real time "
    "(Chromium does not start under libfaketime)"
)


def _skip(*_args, **_kwargs):
    raise unittest.SkipTest(REASON)


def pytest_configure(config):
    from odoo.tests import common  # noqa: PLC0415 (Odoo is set up by now)

    common.HttpCase.start_tour = _skip
    common.HttpCase.browser_js = _skip
