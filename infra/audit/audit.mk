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

.PHONY: audit backup-drill
audit: $(AUDIT_STAMP) venv
	$(PY) infra/audit/check.py --pip-audit $(AUDIT_VENV)/bin/pip-audit

# The local restore rehearsal (infra/local/backup_drill.py, docs/operations.md).
backup-drill: venv
	$(PY) -m infra.local.backup_drill
