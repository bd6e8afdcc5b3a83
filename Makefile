# Two commands do all the set-up on a fresh machine: `make audit` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# the exact versions tested (pip constraints); `make lock` writes it anew from pyproject.toml's ranges
LOCK := requirements.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
INBOX ?= data/inbox
REPORTS ?= reports
# a Dask scheduler (tcp://host:8786): the parse batches run on its workers (also $EVALAUDIT_DASK_ADDRESS)
DASK ?=
PORT ?= 4200
REPORTS_PORT ?= 4201
REVIEW_PORT ?= 4300
REVIEW_HOST ?= 127.0.0.1
CRON ?=
TIMEZONE ?=
NIGHTLY := $(BIN)/python -m flows.nightly_audit
# Settings: Prefect's in prefect.toml, the project's (store URL, SMTP, operator) in .env — see .env.example.

# Browser tests drive Debian's chromium; CJK fonts make the pages legible (and fast) in it.
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Reading Word 97/WPS/RTF/OpenDocument files (LibreOffice), scans and photos (Tesseract with its Chinese
# language pack; poppler's pdftoppm draws a scanned PDF's pages).
# fonts-noto-cjk: LibreOffice prints Chinese with it (the tests print forms to PDF and scan them)
READER_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui tesseract-ocr tesseract-ocr-chi-sim poppler-utils \
  fonts-noto-cjk
READER_TOOLS := soffice tesseract pdftoppm pdfinfo

# The scale-out test starts a real PostgreSQL server of its own (initdb into a temporary folder).
POSTGRES_INITDB := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb) $(shell command -v initdb))

.PHONY: audit serve review overdue test lint typecheck lock clean browser-deps reader-deps postgres-deps

$(STAMP): pyproject.toml $(LOCK)
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c $(LOCK) --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -c $(LOCK) -e '.[dev]'
	touch $(STAMP)

# Resolve pyproject.toml's ranges afresh in a scratch venv and pin what they resolve to.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install -q --disable-pip-version-check --upgrade pip
	.venv-lock/bin/pip install -q --disable-pip-version-check -e '.[dev]'
	{ sed -n '1,2p' $(LOCK); .venv-lock/bin/pip freeze --exclude-editable | grep -v '^evalaudit'; } > $(LOCK).new
	mv $(LOCK).new $(LOCK) && rm -rf .venv-lock

# The nightly flow, once, on the sample inbox: no server needed (Prefect starts a temporary API).
audit: $(STAMP) reader-deps
	$(NIGHTLY) run --inbox $(INBOX) --reports $(REPORTS) $(if $(DASK),--dask $(DASK))

# A local Prefect server (http://127.0.0.1:$(PORT)) serving the nightly deployment on its cron schedule.
serve: $(STAMP) reader-deps
	$(NIGHTLY) serve --inbox $(INBOX) --reports $(REPORTS) --port $(PORT) --reports-port $(REPORTS_PORT) \
	  $(if $(DASK),--dask $(DASK)) $(if $(CRON),--cron "$(CRON)") $(if $(TIMEZONE),--timezone $(TIMEZONE))

# The review page: the latest report with buttons that write reviewers' decisions to the store.
review: $(STAMP)
	$(BIN)/evalaudit review --reports $(REPORTS) --host $(REVIEW_HOST) --port $(REVIEW_PORT)

# The morning check a timer runs after EVALAUDIT_DUE_BY: the operator is told of a night that did not complete.
overdue: $(STAMP)
	$(NIGHTLY) overdue

browser-deps:
	@[ -x /usr/bin/chromium ] && [ -f $(CJK_FONT) ] || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; }

reader-deps:
	@for tool in $(READER_TOOLS); do command -v $$tool >/dev/null || missing=1; done; \
	[ -z "$$missing" ] && [ -f $(CJK_FONT) ] && tesseract --list-langs 2>/dev/null | grep -qx chi_sim || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(READER_PACKAGES); }

postgres-deps:
	@[ -n "$(POSTGRES_INITDB)" ] || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql; }

lint: $(STAMP)
	$(BIN)/ruff check src tests flows benchmarks
	$(BIN)/ruff format --check src tests flows benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# What CI runs: lint and type check first (a minute), then the tests.
test: $(STAMP) browser-deps reader-deps postgres-deps lint typecheck
	$(BIN)/pytest

clean:
	rm -rf $(VENV) reports logs .pytest_cache .hypothesis .mypy_cache
