# SAM, cfn-lint and the Lambda build. Included by the Makefile (`-include infra/deploy/sam.mk`), so every path here
# is relative to the repository root. docs/deploy.md explains the workflow.
#
#   make template-check    cfn-lint template.yaml + sam build (part of `make test`)
#   make sam-build         sam build only
#   make deploy            template-check, then sam deploy (guided the first time; GUIDED=1 forces it)
#   make chalice-package   the Chalice path: vendor/shared + `chalice package`
#   make dlq-replay        dry run of replaying the notification dead-letter queue (DLQ_REPLAY_ARGS=--apply)
#   make deploy-web        build the SPA and publish it to the stack's WebBucket behind CloudFront
#
# SAM calls build-ApiFunction / build-NotificationFunction itself (BuildMethod: makefile in template.yaml).

# The tools live in their own virtualenv so SAM CLI's pins (boto3, click, jsonschema...) never decide the versions
# of the product's libraries in .venv.
SAM_TOOLS_VENV := .venv-tools
SAM_TOOLS_STAMP := $(SAM_TOOLS_VENV)/.installed
SAM_TOOLS_REQUIREMENTS := infra/deploy/tools-requirements.txt
SAM_TOOLS_PYTHON ?= python3
SAM_PY := $(SAM_TOOLS_VENV)/bin/python
SAM_CLI := SAM_CLI_TELEMETRY=0 $(SAM_TOOLS_VENV)/bin/sam
CFN_LINT := $(SAM_TOOLS_VENV)/bin/cfn-lint
SAM_TEMPLATE := template.yaml
SAM_BUILD_DIR := .aws-sam/build
SAM_CONFIG_ENV ?= default
GUIDED ?=

# What goes into each function's artifact: our code (minus tests and caches) and requirements.txt built for Lambda.
LAMBDA_SOURCES := app.py shared functions
LAMBDA_PYTHON_VERSION := 3.11
LAMBDA_PLATFORM := manylinux2014_x86_64
LAMBDA_PIP = $(SAM_TOOLS_VENV)/bin/pip install --quiet --disable-pip-version-check --no-compile \
	--target "$(ARTIFACTS_DIR)" --implementation cp --python-version $(LAMBDA_PYTHON_VERSION) \
	--platform $(LAMBDA_PLATFORM) --only-binary=:all:
LAMBDA_COPY_EXCLUDES := --exclude=__pycache__ --exclude='*.py[cod]' --exclude=tests --exclude=.pytest_cache \
	--exclude=.ruff_cache --exclude=.mypy_cache --exclude='.DS_Store'

# The Chalice path (docs/deploy.md): Chalice packages only app.py, chalicelib/ and vendor/.
CHALICE_BIN := $(VENV)/bin/chalice
CHALICE_STAGE_DIR := .aws-sam/chalice-project
CHALICE_PACKAGE_DIR := .aws-sam/chalice-package
CHALICE_STAGE ?= dev
# `chalice package` insists on a region; the package itself uses the deploying stack's region (AWS::Region).
CHALICE_REGION ?= $(or $(AWS_DEFAULT_REGION),$(AWS_REGION),us-east-1)

DLQ_REPLAY_ARGS ?=

.PHONY: template-check sam-build deploy deploy-web chalice-package dlq-replay build-ApiFunction build-NotificationFunction \
	build-AssignmentFunction build-SlaSweepFunction build-SearchIndexFunction
.PHONY: build-EmailIntakeFunction build-MailFeedbackFunction build-NightlyReportFunction build-WechatIntakeFunction \
	build-ReportRollupFunction build-ChatSocketFunction

$(SAM_TOOLS_STAMP): $(SAM_TOOLS_REQUIREMENTS)
	rm -rf $(SAM_TOOLS_VENV)
	$(SAM_TOOLS_PYTHON) -m venv $(SAM_TOOLS_VENV)
	$(SAM_TOOLS_VENV)/bin/pip install --quiet --upgrade pip
	$(SAM_TOOLS_VENV)/bin/pip install --quiet -r $(SAM_TOOLS_REQUIREMENTS)
	touch $@

# cfn-lint must be clean: warnings fail too (no rule is ignored; an ignore, if one is ever needed, goes in
# template.yaml's Metadata with a comment saying why). Then the real build, exactly as a deploy runs it, and a look
# at what it produced (infra/deploy/check_build.py).
template-check: $(SAM_TOOLS_STAMP)
	$(CFN_LINT) $(SAM_TEMPLATE)
	$(MAKE) --no-print-directory sam-build
	$(SAM_PY) infra/deploy/check_build.py $(SAM_TEMPLATE) $(SAM_BUILD_DIR)

# --build-in-source: CodeUri is the repository root, and without it SAM first copies the whole tree (.venv,
# .venv-tools, web/node_modules...) into a scratch directory. In source, SAM runs the build-* targets below right
# here and they copy only what Lambda needs.
sam-build: $(SAM_TOOLS_STAMP)
	$(SAM_CLI) build --build-in-source --template-file $(SAM_TEMPLATE) --build-dir $(SAM_BUILD_DIR) \
		--config-env $(SAM_CONFIG_ENV)

# One recipe for every function: both run from the same package (app.py for the API, functions/ for the rest,
# shared/ for all). ARTIFACTS_DIR is set by `sam build`. The tools venv (for its pip) is an order-only
# prerequisite: made if missing, never rebuilt under a running `sam build`.
build-ApiFunction build-NotificationFunction build-EmailIntakeFunction build-MailFeedbackFunction \
		build-AssignmentFunction build-SlaSweepFunction build-NightlyReportFunction \
		build-WechatIntakeFunction build-ReportRollupFunction build-SearchIndexFunction build-ChatSocketFunction: | $(SAM_TOOLS_STAMP)
	@if [ -z "$(ARTIFACTS_DIR)" ]; then echo "$@: ARTIFACTS_DIR is not set; run it through 'make sam-build'" >&2; exit 1; fi
	@test -f requirements.txt || { echo "$@: requirements.txt is missing" >&2; exit 1; }
	@test -f app.py || { echo "$@: app.py is missing" >&2; exit 1; }
	mkdir -p "$(ARTIFACTS_DIR)"
	set -o pipefail; tar -c $(LAMBDA_COPY_EXCLUDES) -f - $(wildcard $(LAMBDA_SOURCES)) | tar -x -f - -C "$(ARTIFACTS_DIR)"
	grep -v -e '^chalice==' -e '^jieba==' requirements.txt > "$(ARTIFACTS_DIR)/.requirements.txt"
	$(LAMBDA_PIP) -r "$(ARTIFACTS_DIR)/.requirements.txt"
	# jieba is pure Python published as an sdist only, so it cannot go through the binary-only install above. The
	# search uses its own small dictionary (shared/domain/search/words.txt): jieba's 5 MB one, part-of-speech
	# tagging, keyword extraction and the paddle model (35 MB together) stay out.
	$(SAM_TOOLS_VENV)/bin/pip install --quiet --disable-pip-version-check --no-compile --no-deps \
		--target "$(ARTIFACTS_DIR)" $$(grep '^jieba==' requirements.txt)
	rm -rf "$(ARTIFACTS_DIR)/jieba/dict.txt" "$(ARTIFACTS_DIR)/jieba/posseg" "$(ARTIFACTS_DIR)/jieba/analyse" \
		"$(ARTIFACTS_DIR)/jieba/lac_small"
	# Chalice's runtime (chalice.app) needs only the standard library; its CLI's dependencies stay out.
	$(LAMBDA_PIP) --no-deps $$(grep '^chalice==' requirements.txt)
	rm -f "$(ARTIFACTS_DIR)/.requirements.txt"

# First deploy (no region saved for this config env in samconfig.toml yet): guided, and SAM saves the answers to
# samconfig.toml. After that: non-interactive, with the saved answers.
deploy: template-check
	@if [ -n "$(GUIDED)" ] || ! $(SAM_PY) -c 'import sys, tomllib; env = tomllib.load(open("samconfig.toml", "rb")).get(sys.argv[1], {}); sys.exit(0 if any(env.get(c, {}).get("parameters", {}).get("region") for c in ("deploy", "global")) else 1)' $(SAM_CONFIG_ENV); then \
		echo "sam deploy --guided (first deploy for config env '$(SAM_CONFIG_ENV)'; answers are saved to samconfig.toml)"; \
		$(SAM_CLI) deploy --guided --config-env $(SAM_CONFIG_ENV); \
	else \
		$(SAM_CLI) deploy --config-env $(SAM_CONFIG_ENV); \
	fi

# Chalice packages only app.py, chalicelib/ and vendor/: shared/ goes in as vendor/shared/ (vendor/ is gitignored).
# `chalice package` runs in a staging copy that carries a .chalice/ (the repository's own config.json and policy
# files if it has them, else infra/deploy/chalice-config.json and chalice-policy-dev.json: a fixed policy, because
# Chalice's policy generator cannot read app.py), and writes a SAM template + deployment.zip to
# $(CHALICE_PACKAGE_DIR).
# chalice comes from the product's .venv (it is a product dependency), not from the tools venv.
chalice-package: venv
	@test -f app.py || { echo "$@: app.py is missing" >&2; exit 1; }
	rm -rf vendor/shared
	mkdir -p vendor
	set -o pipefail; tar -c $(LAMBDA_COPY_EXCLUDES) -f - shared | tar -x -f - -C vendor
	rm -rf $(CHALICE_STAGE_DIR) $(CHALICE_PACKAGE_DIR)
	mkdir -p $(CHALICE_STAGE_DIR)/.chalice
	cp app.py requirements.txt $(CHALICE_STAGE_DIR)/
	cp -R vendor $(CHALICE_STAGE_DIR)/
	if [ -d chalicelib ]; then cp -R chalicelib $(CHALICE_STAGE_DIR)/; fi
	if [ -f .chalice/config.json ]; then cp .chalice/*.json $(CHALICE_STAGE_DIR)/.chalice/; \
	else cp infra/deploy/chalice-config.json $(CHALICE_STAGE_DIR)/.chalice/config.json; \
		cp infra/deploy/chalice-policy-dev.json $(CHALICE_STAGE_DIR)/.chalice/policy-dev.json; fi
	cd $(CHALICE_STAGE_DIR) && AWS_DEFAULT_REGION=$(CHALICE_REGION) $(abspath $(CHALICE_BIN)) package --stage $(CHALICE_STAGE) \
		--pkg-format cloudformation --template-format yaml $(abspath $(CHALICE_PACKAGE_DIR))
	@echo "Chalice package: $(CHALICE_PACKAGE_DIR) (docs/deploy.md, 'The Chalice path')"

# Re-run the stream records of failed notification batches (infra/deploy/replay_dlq.py; docs/deploy.md). A dry run
# unless DLQ_REPLAY_ARGS has --apply; --stack-name, --region, --max-messages pass through the same way.
dlq-replay: $(SAM_TOOLS_STAMP)
	$(SAM_PY) infra/deploy/replay_dlq.py $(DLQ_REPLAY_ARGS)

# The SPA: web/dist to the stack's WebBucket, config.json from the stack's Cognito outputs, a CloudFront invalidation.
STACK_NAME ?= helpdesk
deploy-web: web $(SAM_TOOLS_STAMP)
	$(SAM_PY) infra/deploy/publish_web.py --stack-name $(STACK_NAME)
