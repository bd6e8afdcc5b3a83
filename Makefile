# Two commands do all the set-up on a fresh machine: `make audit` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
INBOX ?= data/inbox
REPORTS ?= reports
STORE ?=
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

.PHONY: audit serve test clean browser-deps

$(STAMP): pyproject.toml
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# The nightly flow, once, on the sample inbox: no server needed (Prefect starts a temporary API).
audit: $(STAMP)
	$(NIGHTLY) run --inbox $(INBOX) --reports $(REPORTS) $(if $(STORE),--store $(STORE))

# A local Prefect server (http://127.0.0.1:$(PORT)) serving the nightly deployment on its cron schedule.
serve: $(STAMP)
	$(NIGHTLY) serve --inbox $(INBOX) --reports $(REPORTS) --port $(PORT) $(if $(STORE),--store $(STORE)) \
	  $(if $(CRON),--cron "$(CRON)") $(if $(TIMEZONE),--timezone $(TIMEZONE))

browser-deps:
	@[ -x /usr/bin/chromium ] && [ -f $(CJK_FONT) ] || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; }

test: $(STAMP) browser-deps
	$(BIN)/pytest

clean:
	rm -rf $(VENV) reports .pytest_cache .hypothesis
