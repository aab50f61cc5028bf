# One-command entry points for a fresh machine. The project is installed into .venv from uv.lock
# (exact, hashed versions), so every machine runs the same dependency set.
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run test lint ui clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

# Re-sync whenever the lock changes; --frozen refuses to resolve anew, so the lock is the truth.
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --extra dev --python $(PYTHON)
	touch $@

setup: $(VENV)/.synced

run: setup
	$(VENV)/bin/asf-registry run

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Dagster's recommended local command: the webserver and the daemon, for the project in [tool.dg] (pyproject.toml).
ui: setup
	$(VENV)/bin/dg dev

clean:
	rm -rf $(VENV) $(TOOLS)
