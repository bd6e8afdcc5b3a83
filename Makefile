# Two commands do all the set-up on a fresh machine: `make audit` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
INBOX ?= data/inbox
OUT ?= reports/latest
TEXT_INDEX ?= data/text_index

.PHONY: audit test clean

$(STAMP): pyproject.toml
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

audit: $(STAMP)
	$(BIN)/evalaudit audit $(INBOX) --out $(OUT) --index $(TEXT_INDEX)

test: $(STAMP)
	$(BIN)/pytest

clean:
	rm -rf $(VENV) reports .pytest_cache .hypothesis
