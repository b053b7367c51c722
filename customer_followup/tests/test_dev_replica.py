"""The read screens on a real Odoo server started with ``--dev=replica``,
Odoo's own simulation of a read replica: its read-only requests run on a
second, read-only connection. The server sees the database as committed
(the addon installed, none of this test's records), serves the screens to
the administrator, and its log must show them served read-only (``ro``) and
never retried on the primary (``ro->rw``)."""

import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import odoo
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

RETRY = "retrying with a read/write cursor"

# the screens, as the web client calls them: (model, method, args)
SCREENS = [
    ("customer.followup.overview", "get_overview", []),
    ("customer.followup.control.report", "onchange", [[], {}, [], {"conclusion": {}}]),
    (
        "customer.followup.effect.report",
        "formatted_read_group",
        [[], ["tier_id"], ["points:sum"]],
    ),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestDevReplica(TransactionCase):
    def setUp(self):
        super().setUp()
        if os.environ.get("FAKETIME"):
            # TEST_NOW moves the clocks with libfaketime, under which the
            # server it starts does not come up (sleeps fail with EINVAL):
            # it runs in the run at the real time
            self.skipTest("TEST_NOW: Odoo with --dev=replica runs at the real time")
        if not self.env["res.users"].search_count(
            [("login", "=", "admin"), ("active", "=", True)]
        ):
            self.skipTest("no active admin user in the committed database")
        self.port = free_port()
        self.data_dir = tempfile.mkdtemp(prefix="cf-dev-replica-")
        self.addCleanup(shutil.rmtree, self.data_dir, True)
        self.log = os.path.join(self.data_dir, "odoo.log")
        odoo_bin = os.path.join(os.path.dirname(odoo.__path__[0]), "odoo-bin")
        command = (
            [sys.executable, odoo_bin]
            if os.path.exists(odoo_bin)
            else [
                sys.executable,
                "-m",
                "odoo",
            ]
        )
        if config.get("config") and os.path.exists(config["config"]):
            command += ["-c", config["config"]]
        command += [
            f"--addons-path={','.join(config['addons_path'])}",
            f"--database={self.env.cr.dbname}",
            f"--data-dir={self.data_dir}",
            f"--logfile={self.log}",
            "--dev=replica",
            "--workers=0",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--db-filter=^{self.env.cr.dbname}$",
        ]
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if config.get(option):
                command.append(f"--{option}={config[option]}")
        self.server = subprocess.Popen(  # noqa: S603
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.addCleanup(self._stop)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def _stop(self):
        self.server.terminate()
        try:
            self.server.wait(60)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()

    def _wait_for_server(self):
        for _attempt in range(480):
            if self.server.poll() is not None:
                self.fail(f"Odoo --dev=replica exited:\n{self._log_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), 1):
                    return
            except OSError:
                time.sleep(0.5)
        self.fail("Odoo --dev=replica did not answer")

    def _log_text(self):
        with open(self.log, encoding="utf-8", errors="replace") as log:
            return log.read()

    def _json(self, path, params):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode(),
            {"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=300) as response:
            answer = json.load(response)
        self.assertFalse(answer.get("error"), path)
        return answer["result"]

    def test_read_screens_under_dev_replica(self):
        self._wait_for_server()
        self._json(
            "/web/session/authenticate",
            {"db": self.env.cr.dbname, "login": "admin", "password": "admin"},
        )
        for model, method, args in SCREENS:
            self._json(
                f"/web/dataset/call_kw/{model}/{method}",
                {"model": model, "method": method, "args": args, "kwargs": {}},
            )
        self._stop()
        log = self._log_text()
        retried = [line for line in log.splitlines() if RETRY in line]
        self.assertEqual(retried, [], "read-only requests that wrote")
        for model, method, _args in SCREENS:
            lines = [
                line.rstrip()
                for line in log.splitlines()
                if f"/web/dataset/call_kw/{model}/{method}" in line
            ]
            self.assertTrue(lines, f"{model}.{method} not served")
            self.assertTrue(
                all(line.endswith(" ro") for line in lines),
                f"{model}.{method} not served read-only: {lines}",
            )
