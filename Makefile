SHELL := /bin/bash

.PHONY: help setup test test-dates test-odoo run lint bench simulate cluster cluster-stop cluster-status cluster-check cluster-simulate loadtest

help:
	@echo "make setup   install PostgreSQL, wkhtmltopdf, chromium, the Python tooling, Odoo 19.0 and the mail catcher"
	@echo "make test    lint, install customer_followup on a fresh database, run its tests, check the README's demo figures"
	@echo "make test TEST_NOW=\"2027-12-31 23:30:00+09:00\"  the same with the clocks of Odoo, PostgreSQL and the browser moved there"
	@echo "make test-dates  make test at five moments where the shop's day and UTC's disagree (~40 min)"
	@echo "make test-odoo  Odoo's own sale/crm/portal/mail tests without and with the addon, compared (~30 min)"
	@echo "make run     serve a demo database on http://localhost:8069 (admin/admin), its mails on http://localhost:1080; RESET=1 recreates it"
	@echo "make cluster  the reference deployment: PostgreSQL primary + streaming replica, two prefork HTTP Odoo (ports 8291/8292) and two cron Odoo (var/cluster/)"
	@echo "make cluster-check / cluster-status / cluster-stop  open the read screens and show the replica served them / show / stop it all"
	@echo "make cluster-simulate  the read screens on one Odoo with --dev=replica (Odoo's replica simulation): no read-only request may write"
	@echo "make loadtest  the cluster under load: Locust plays 50 salespeople and 200 portal customers for 10 min on 100,000 customers while the crons loop (LOADTEST_CUSTOMERS= LOADTEST_DURATION= LOADTEST_ARGS=...)"
	@echo "make lint    only the linters (ruff, pylint-odoo, oca-checks-odoo-module, oca-checks-po)"
	@echo "make simulate  a year in the life of a shop (SIM_CUSTOMERS=2000 SIM_DAYS=365 SIM_START=2026-10-01 SIM_SEED=1 SIM_ARGS=...)"
	@echo "make bench   benchmarks at 1k/10k customers; BENCH_ARGS=\"--scales 1000,10000,100000\" adds 100k"

setup:
	bash scripts/setup.sh

test:
	bash scripts/test.sh

test-dates:
	bash scripts/test_dates.sh

test-odoo:
	bash scripts/test_odoo.sh

run:
	RESET=$(RESET) bash scripts/run.sh

cluster:
	bash scripts/cluster.sh start

cluster-stop:
	bash scripts/cluster.sh stop

cluster-status:
	bash scripts/cluster.sh status

cluster-check:
	bash scripts/cluster.sh check

cluster-simulate:
	bash scripts/cluster.sh simulate

loadtest:  ## LOADTEST_CUSTOMERS=100000 LOADTEST_DURATION=10m LOADTEST_SALESPEOPLE=50 LOADTEST_PORTAL=200 LOADTEST_ARGS=...
	bash scripts/loadtest.sh

lint:
	python3 -m ruff check --no-fix .
	python3 -m ruff format --check .
	python3 -m pylint --rcfile=.pylintrc customer_followup customer_followup_mass_mailing
	python3 -m oca_pre_commit_hooks.cli customer_followup/__manifest__.py customer_followup_mass_mailing/__manifest__.py
	python3 -m oca_pre_commit_hooks.cli_po customer_followup/i18n/*.po customer_followup/i18n/*.pot customer_followup_mass_mailing/i18n/*.po customer_followup_mass_mailing/i18n/*.pot

bench:  ## benchmarks at 1k/10k customers; BENCH_ARGS="--scales 100000" for the target scale
	eval "$$(bash scripts/pg.sh)" && python3 benchmarks/run.py $(BENCH_ARGS)

SIM_CUSTOMERS ?= 2000
SIM_DAYS ?= 365
SIM_START ?= 2026-10-01
SIM_SEED ?= 1
simulate:  ## a year in the life of a shop; SIM_ARGS="--effect 0 --keep-db ..."
	eval "$$(bash scripts/pg.sh)" && python3 scripts/simulate.py \
		--customers $(SIM_CUSTOMERS) --days $(SIM_DAYS) --start $(SIM_START) \
		--seed $(SIM_SEED) $(SIM_ARGS)
