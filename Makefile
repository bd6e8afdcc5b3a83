# Two commands do all the set-up on a fresh machine: `make audit` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
INBOX ?= data/inbox
REPORTS ?= reports
STORE ?=
# a Dask scheduler (tcp://host:8786): the parse batches run on its workers (also $EVALAUDIT_DASK_ADDRESS)
DASK ?=
PORT ?= 4200
CRON ?=
TIMEZONE ?=
NIGHTLY := $(BIN)/python -m flows.nightly_audit
# Prefect's state (its SQLite database of runs, logs, artifacts) stays in the project, not in ~/.prefect; the
# server start-up timeout is in prefect.toml (read from the working directory).
export PREFECT_HOME := $(CURDIR)/.prefect

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

.PHONY: audit serve test clean browser-deps reader-deps postgres-deps

$(STAMP): pyproject.toml
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# The nightly flow, once, on the sample inbox: no server needed (Prefect starts a temporary API).
audit: $(STAMP) reader-deps
	$(NIGHTLY) run --inbox $(INBOX) --reports $(REPORTS) $(if $(STORE),--store $(STORE)) $(if $(DASK),--dask $(DASK))

# A local Prefect server (http://127.0.0.1:$(PORT)) serving the nightly deployment on its cron schedule.
serve: $(STAMP) reader-deps
	$(NIGHTLY) serve --inbox $(INBOX) --reports $(REPORTS) --port $(PORT) $(if $(STORE),--store $(STORE)) \
	  $(if $(DASK),--dask $(DASK)) $(if $(CRON),--cron "$(CRON)") $(if $(TIMEZONE),--timezone $(TIMEZONE))

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

test: $(STAMP) browser-deps reader-deps postgres-deps
	$(BIN)/pytest

clean:
	rm -rf $(VENV) reports .pytest_cache .hypothesis
