# `make audit`: pip-audit on requirements.txt and `npm audit --omit=dev` in web/ (infra/audit/check.py), honouring the
# dated exceptions in docs/security-exceptions.md. pip-audit lives in its own virtualenv, as the SAM tools do.
AUDIT_VENV := .venv-audit
AUDIT_STAMP := $(AUDIT_VENV)/.installed

$(AUDIT_STAMP): infra/audit/requirements.txt
	rm -rf $(AUDIT_VENV)
	python3 -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/pip install --quiet --upgrade pip
	$(AUDIT_VENV)/bin/pip install --quiet -r infra/audit/requirements.txt
	touch $@

.PHONY: audit audit-in-test backup-drill
# Strict: an advisory database that cannot be reached (offline, or a registry mirror without the audit endpoint)
# fails with exit status 2 and says so.
audit: $(AUDIT_STAMP) venv
	$(PY) infra/audit/check.py --pip-audit $(AUDIT_VENV)/bin/pip-audit

# In `make test`: a finding fails the run; an unreachable database is a loud warning (docs/decisions.md).
audit-in-test: $(AUDIT_STAMP) venv
	$(PY) infra/audit/check.py --pip-audit $(AUDIT_VENV)/bin/pip-audit --unreachable-ok

# The local restore rehearsal (infra/local/backup_drill.py, docs/operations.md).
backup-drill: venv
	$(PY) -m infra.local.backup_drill
