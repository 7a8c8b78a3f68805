# Hulpmix: `make run` serves the site, `make test` runs every check. Both are safe to repeat.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
CATALOGUES := $(wildcard app/translations app/*/translations courses/translations simulations/translations live_help/translations)

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

# Each catalogue holds the texts of the folder it sits in; app/translations holds what is in
# app/ outside the parts that have their own catalogue.
extract: install
	@for dir in $(CATALOGUES); do \
	  src=$${dir%/translations}; ignore=""; \
	  if [ "$$src" = app ]; then for own in app/*/translations; do [ -d $$own ] && ignore="$$ignore --ignore-dirs=$$(basename $${own%/translations})"; done; fi; \
	  $(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext $$ignore -o $$dir/messages.pot $$src 2>/dev/null; \
	  if [ -f $$dir/nl/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -i $$dir/messages.pot -d $$dir -l nl --no-fuzzy-matching --ignore-obsolete; \
	  else $(BIN)/pybabel init -i $$dir/messages.pot -d $$dir -l nl; fi; \
	done

db: install
	$(FLASK) db upgrade
	$(FLASK) live_help load

demo: install
	$(FLASK) hulpmix seed-demo

lint: install
	$(BIN)/ruff check .

serve: setup
	HULPMIX_ENV=production $(FLASK) db upgrade
	HULPMIX_ENV=production $(FLASK) live_help load
	HULPMIX_ENV=production $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

clean:
	rm -rf $(VENV) node_modules app/static/vendor
