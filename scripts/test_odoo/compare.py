"""Compare two Odoo test logs: Odoo's own tests without and with the addon.

Usage:
  compare.py BASE_LOG ADDON_LOG --tags
      print the --test-tags selecting the tests that fail only with the addon
      (empty when there are none), to run them again on both databases;
  compare.py BASE_LOG ADDON_LOG [--again-base LOG]... [--again-addon LOG]...
      print the comparison; exit status 1 when a test fails only with the
      addon, when a test that ran without the addon did not run with it, or
      when a run did not finish. Given the logs of those tests run again, a
      test fails only with the addon when it failed in every run with the
      addon and passed in every run without it; one that passed once with the
      addon is flaky.

Reads the per-test records of Odoo's test runner (``Starting X.test_y ...``,
``skipped X.test_y : reason``, ``FAIL: X.test_y`` and ``ERROR: X.test_y``, the
logger being the test's Python module) and Odoo's final line
``N failed, N error(s) of N tests when loading database 'db'``. A test is
identified by its module, class and method (and subtest), and by its phase:
``at_install`` (run right after its module was loaded, before ``Starting post
tests``), ``at_install, run again`` (the same test run again by the
cf_odoo_suites helper once every module is loaded) or ``post_install``.
"""

import argparse
import re
from collections import Counter

RECORD_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \d+ (?P<level>[A-Z]+) \S+ "
    r"(?P<logger>\S+): (?P<message>.*)$"
)
STARTING_RE = re.compile(r"^Starting (?P<test>\S+) \.\.\.$")
SKIPPED_RE = re.compile(r"^skipped (?P<test>\S+) : ")
FAILED_RE = re.compile(r"^(?P<kind>FAIL|ERROR): (?P<test>.+)$")
SUMMARY_RE = re.compile(
    r"^(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database"
)
POST_TESTS = "Starting post tests"
# "Subtest Class.method (params)" and "setUpClass (odoo.addons.x.tests.y.Class)"
SUBTEST_RE = re.compile(r"^Subtest (?P<test>\w+\.\w+) ")
HOLDER_RE = re.compile(r"^\w+ \((?P<module>odoo\.addons\.[\w.]+)\.(?P<cls>\w+)\)$")

AT_INSTALL = "at_install"
AGAIN = "at_install, run again"
POST_INSTALL = "post_install"
PHASES = (AT_INSTALL, AGAIN, POST_INSTALL)


def identify(logger, test):
    """(id, owner, tag) of a logged test description: the id is
    module.Class.method (subtests and errors outside a test as logged, after
    their logger); owner the id of the test (or ``module.Class.`` for a class
    error); tag the --test-tags spec selecting it (None if unknown)."""
    module, name = logger, test
    if match := SUBTEST_RE.match(test):
        name = match["test"]
    elif match := HOLDER_RE.match(test):
        module, name = match["module"], match["cls"]
    elif " " in test:
        return f"{logger}: {test}", test, None
    if not module.startswith("odoo.addons."):
        return f"{logger}: {test}", test, None
    test_id = f"{logger}.{test}" if name == test else f"{logger}: {test}"
    owner = f"{module}.{name}" + ("." if "." not in name else "")
    path = "/" + module.removeprefix("odoo.addons.").replace(".", "/") + ".py"
    return test_id, owner, f"{path}:{name}"


class Run:
    def __init__(self, path):
        self.path = path
        self.started = {}  # (early, id) -> None, in order
        self.skipped = set()
        self.failed = {}  # (early, id) -> FAIL | ERROR
        self.owner = {}  # (early, id) -> id of the test or class prefix
        self.tag = {}  # (early, id) -> --test-tags spec
        self.summary = None
        self.parse()

    def parse(self):
        early = True
        with open(self.path, encoding="utf-8", errors="replace") as log:
            for line in log:
                record = RECORD_RE.match(line.rstrip())
                if not record:
                    continue
                logger, message = record["logger"], record["message"]
                if message == POST_TESTS:
                    early = False
                elif match := STARTING_RE.match(message):
                    self.started[early, identify(logger, match["test"])[0]] = None
                elif match := SKIPPED_RE.match(message):
                    self.skipped.add((early, identify(logger, match["test"])[0]))
                elif record["level"] == "ERROR" and (match := FAILED_RE.match(message)):
                    test_id, owner, tag = identify(logger, match["test"])
                    key = (early, test_id)
                    self.failed.setdefault(key, match["kind"])
                    self.owner[key], self.tag[key] = owner, tag
                elif match := SUMMARY_RE.match(message):
                    self.summary = match

    def ran(self, early, owner):
        """Whether the test (or a test of the class prefix) started."""
        if owner.endswith("."):
            return any(e == early and t.startswith(owner) for e, t in self.started)
        return (early, owner) in self.started

    def phase(self, key):
        early, test = key
        if early:
            return AT_INSTALL
        return AGAIN if self.ran(True, self.owner.get(key, test)) else POST_INSTALL

    def sorted(self, keys):
        return sorted(keys, key=lambda key: (PHASES.index(self.phase(key)), key[1]))

    def counts(self, keys):
        return Counter(self.phase(key) for key in keys)


def describe(run, key, kind):
    module = re.search(r"odoo\.addons\.(\w+)", key[1])
    module = module[1] if module else "?"
    return f"{module:<16} {key[1]}  [{kind}; {run.phase(key)}]"


def print_tests(title, run, keys, kind=None):
    print(f"\n{title} ({len(keys)}):")
    for key in keys:
        print("  " + describe(run, key, kind or run.failed.get(key, "ran")))


def main(base_path, addon_path, again_base=(), again_addon=()):
    base, addon = Run(base_path), Run(addon_path)
    runs = (("without the addon", base), ("with the addon", addon))
    problems = []

    print(f"{'':<32}{'without addon':>16}{'with addon':>16}")
    rows = [
        ("tests started", lambda r: r.counts(r.started)),
        ("skipped", lambda r: r.counts(r.skipped)),
        ("failed or in error", lambda r: r.counts(r.failed)),
    ]
    for label, count in rows:
        a, b = count(base), count(addon)
        print(f"{label:<32}{sum(a.values()):>16}{sum(b.values()):>16}")
        for phase in PHASES:
            print(f"{'  ' + phase:<32}{a[phase]:>16}{b[phase]:>16}")
    for name, run in runs:
        summary = run.summary[0] if run.summary else "missing: the run did not finish"
        print(f"Odoo's summary {name}: {summary}")
        if not run.summary:
            problems.append(f"the run {name} did not finish ({run.path})")
        elif int(run.summary["run"]) != len(run.started):
            print(f"  (note: {len(run.started)} tests started in the log)")
        started = run.counts(run.started)
        if started[AT_INSTALL] and not started[AGAIN]:
            problems.append(f"no at_install test was run again after loading ({name})")

    only_addon = addon.sorted(k for k in addon.failed if k not in base.failed)
    missing = base.sorted(k for k in base.started if k not in addon.started)
    extra = addon.sorted(k for k in addon.started if k not in base.started)
    in_both = addon.sorted(k for k in addon.failed if k in base.failed)
    print_tests("Fail without the addon too", addon, in_both)
    print_tests(
        "Fail only without the addon",
        base,
        base.sorted(k for k in base.failed if k not in addon.failed),
    )
    if missing:
        print_tests("Ran without the addon, not with it", base, missing, "did not run")
        problems.append(f"{len(missing)} test(s) ran without the addon, not with it")
    if extra:
        print_tests("Ran with the addon only", addon, extra)

    confirmed = only_addon
    if again_addon and only_addon:
        base_again = [Run(path) for path in again_base]
        addon_again = [Run(path) for path in again_addon]
        print(f"\n{len(only_addon)} failed only with the addon: run again alone")
        for name, runs in (("without", base_again), ("with", addon_again)):
            for run in runs:
                summary = run.summary[0] if run.summary else "did not finish"
                print(f"  {name} the addon: {summary}")

        def outcome(run, key):
            if key in run.failed:
                return "failed"
            return "passed" if run.ran(key[0], addon.owner[key]) else "did not run"

        flaky = [
            k for k in only_addon if any(outcome(r, k) == "passed" for r in addon_again)
        ]
        both = [
            k
            for k in only_addon
            if k not in flaky and any(outcome(r, k) == "failed" for r in base_again)
        ]
        confirmed = [k for k in only_addon if k not in flaky and k not in both]
        print_tests(
            "Flaky, not counted: failed with the addon, passed when run again",
            addon,
            flaky,
        )
        print_tests(
            "Not counted: failed with the addon, fail without it too when run again",
            addon,
            both,
        )
    print_tests("Fail only with the addon", addon, confirmed)
    if confirmed:
        problems.append(f"{len(confirmed)} test(s) fail only with the addon")

    if problems:
        print("\nRESULT: FAILED - " + "; ".join(problems))
        return 1
    total = sum(addon.counts(addon.started).values())
    print(
        f"\nRESULT: ok - no test fails only with the addon ({total} tests run "
        f"with it, {len(in_both)} fail without it too)"
    )
    return 0


def tags(base_path, addon_path):
    base, addon = Run(base_path), Run(addon_path)
    specs = {addon.tag[k] for k in addon.failed if k not in base.failed}
    print(",".join(sorted(filter(None, specs))))
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("base_log")
    parser.add_argument("addon_log")
    parser.add_argument("--tags", action="store_true")
    parser.add_argument("--again-base", action="append", default=[])
    parser.add_argument("--again-addon", action="append", default=[])
    args = parser.parse_args()
    if args.tags:
        raise SystemExit(tags(args.base_log, args.addon_log))
    raise SystemExit(
        main(args.base_log, args.addon_log, args.again_base, args.again_addon)
    )
