#!/usr/bin/env bash
# The browser of the tours when `make test TEST_NOW=...` moves the clocks:
# Chromium does not start under libfaketime (its zygote processes fail), so it
# runs on the real clock; Odoo and PostgreSQL keep the moved one.
unset LD_PRELOAD FAKETIME FAKETIME_DONT_FAKE_MONOTONIC
for bin in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$bin" >/dev/null 2>&1; then
        exec "$bin" "$@"
    fi
done
echo "no chromium on the PATH (make setup)" >&2
exit 1
