# Workflow targets. `make run` and `make test` set up everything they need on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test reset venv web lint unit integration e2e browser-deps bench clean docs-security

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade "pip<26.3"  # chalice 1.34 requires pip<26.3
	$(VENV)/bin/pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $@

web: web/dist/index.html
web/dist/index.html: web/package-lock.json $(shell find web/src web/index.html web/vite.config.ts web/vite.widget.config.ts -type f 2>/dev/null)
	cd web && npm ci --no-audit --no-fund && npm run build

run: venv web
	$(PY) -m infra.local

reset:
	rm -rf .local

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo --no-cache
	$(VENV)/bin/mypy

unit: venv
	$(PY) -m pytest tests/unit -q

integration: venv
	$(PY) -m pytest tests/integration -q

e2e: venv web browser-deps
	$(PY) -m pytest tests/e2e -q

# Browser tests drive Debian's Chromium (never a downloaded browser); Noto CJK renders the Chinese UI.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk; \
	fi

test: venv lint template-check audit-in-test web browser-deps fuzz-deps
	$(PY) -m pytest tests -q
	cd web && npm test

bench: venv web browser-deps
	$(PY) bench/run.py
	$(PY) bench/web.py
	$(PY) bench/email_intake.py
	$(PY) bench/routing.py
	$(PY) bench/automations.py
	$(PY) bench/reports.py
	$(PY) bench/wechat.py
	$(PY) bench/search.py

# The authorization matrix in docs/security.md, from the access table the router checks (shared/api/access_table.py).
docs-security: venv
	$(PY) -m shared.api.access_table

clean:
	rm -rf $(VENV) .aws-sam web/node_modules web/dist

# SAM and cfn-lint live in their own virtualenv (infra/deploy/sam.mk): template-check, sam-build, deploy.
-include infra/deploy/sam.mk
# The supply-chain audit and the backup drill: infra/audit/audit.mk.
-include infra/audit/audit.mk
# The API fuzzer, in its own virtualenv too (infra/fuzz/fuzz.mk): fuzz-deps, fuzz.
-include infra/fuzz/fuzz.mk
