# Two commands do all the set-up on a fresh machine: `make audit` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
INBOX ?= data/inbox
OUT ?= reports/latest
TEXT_INDEX ?= data/text_index

# Browser tests drive Debian's chromium; CJK fonts make the pages legible (and fast) in it.
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: audit test clean browser-deps

$(STAMP): pyproject.toml
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

audit: $(STAMP)
	$(BIN)/evalaudit audit $(INBOX) --out $(OUT) --index $(TEXT_INDEX)

browser-deps:
	@[ -x /usr/bin/chromium ] && [ -f $(CJK_FONT) ] || { \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; }

test: $(STAMP) browser-deps
	$(BIN)/pytest

clean:
	rm -rf $(VENV) reports .pytest_cache .hypothesis
