# Hulpmix: `make run` serves the site, `make test` runs every check. Both are safe to repeat.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
CATALOGUES := app/translations courses/translations simulations/translations live_help/translations

.PHONY: run test setup install assets translations db demo lint serve extract clean

run: setup db demo
	FLASK_DEBUG=1 $(FLASK) run --host 127.0.0.1 --port 5000

test: setup lint
	$(BIN)/pytest $(PYTEST_ARGS)

setup: install assets translations

install: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,prod]"
	touch $@

assets: app/static/vendor/socket.io.min.js

app/static/vendor/socket.io.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p app/static/vendor
	cp node_modules/socket.io-client/dist/socket.io.min.js app/static/vendor/
	cp node_modules/axe-core/axe.min.js app/static/vendor/
	touch $@

translations: install
	@for dir in $(CATALOGUES); do \
	  if [ -d $$dir ]; then $(BIN)/pybabel compile --statistics -d $$dir 2>&1 | grep -v '^compiling' || true; fi; \
	done

extract: install
	$(BIN)/pybabel extract --quiet -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot app
	$(BIN)/pybabel update --quiet -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
	@for pkg in courses simulations live_help; do \
	  $(BIN)/pybabel extract --quiet -F babel.cfg -k _l -k lazy_gettext -o $$pkg/translations/messages.pot $$pkg; \
	  $(BIN)/pybabel update --quiet -i $$pkg/translations/messages.pot -d $$pkg/translations --no-fuzzy-matching; \
	done

db: install
	$(FLASK) db upgrade

demo: install
	$(FLASK) hulpmix seed-demo

lint: install
	$(BIN)/ruff check .

serve: setup
	HULPMIX_ENV=production $(FLASK) db upgrade
	HULPMIX_ENV=production $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

clean:
	rm -rf $(VENV) node_modules app/static/vendor
