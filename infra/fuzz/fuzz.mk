# The API fuzzer (docs/security.md, "Input and transport"). Included by the Makefile.
#
#   make fuzz-deps   schemathesis in its own virtualenv (.venv-fuzz): its pins never decide .venv's versions
#   make fuzz        every caller, every phase, FUZZ_EXAMPLES_LONG examples per operation (10x the run in make test)
#
# `make test` runs the bounded run: tests/e2e/test_fuzz_local.py, FUZZ_EXAMPLES examples per operation for the fuzzing
# and stateful phases of every caller, and the admin's schema-valid coverage cases.

FUZZ_VENV := .venv-fuzz
FUZZ_STAMP := $(FUZZ_VENV)/.installed
FUZZ_EXAMPLES ?= 3
FUZZ_EXAMPLES_LONG ?= 30

.PHONY: fuzz fuzz-deps

$(FUZZ_STAMP): infra/fuzz/requirements.txt
	rm -rf $(FUZZ_VENV)
	$(PYTHON) -m venv $(FUZZ_VENV)
	$(FUZZ_VENV)/bin/pip install --quiet --upgrade pip
	$(FUZZ_VENV)/bin/pip install --quiet -r infra/fuzz/requirements.txt
	touch $@

fuzz-deps: $(FUZZ_STAMP)

fuzz: venv fuzz-deps
	$(PY) -m infra.fuzz.run --max-examples $(FUZZ_EXAMPLES_LONG)
