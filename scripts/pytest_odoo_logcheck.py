"""pytest plugin: fail a test when Odoo logs a WARNING (or worse) during it.

Odoo's own test runner counts such log records as failures; pytest-odoo does
not. Records muted by ``odoo.tests.common.mute_logger`` or captured by
``assertLogs`` never reach the root logger, so expected messages stay allowed.
Loaded by scripts/test.sh with ``-p pytest_odoo_logcheck``.
"""

import logging

import pytest


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


_collector = _Collector()


def pytest_configure(config):
    logging.getLogger().addHandler(_collector)


def pytest_unconfigure(config):
    logging.getLogger().removeHandler(_collector)


def _format(record):
    try:
        message = record.getMessage()
    except Exception:  # a broken record must not hide the others
        message = str(record.msg)
    return f"{record.levelname} {record.name}: {message}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    records, _collector.records = _collector.records, []
    if not records or report.failed:
        if records:
            report.sections.append(
                ("Odoo log records (WARNING+)", "\n".join(map(_format, records)))
            )
        return
    lines = "\n".join(map(_format, records))
    report.outcome = "failed"
    report.longrepr = (
        f"Odoo logged {len(records)} record(s) at WARNING or above during "
        f"test {call.when}:\n{lines}"
    )
