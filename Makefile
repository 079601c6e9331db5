# Quickstart:  make build   (set up .venv, raw-input check, dbt build on the demo data, quality checkpoints, publish)
#              make test    (the whole test suite: pytest driving dbt, sqlfluff and ruff)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

export DBT_PROFILES_DIR ?= $(CURDIR)/profiles
export DUCKDB_PATH ?= warehouse/segmentation.duckdb
# Serving copy written by `make publish` / `make build` and read by `make dashboard` and BI tools.
SERVING_DIR ?= warehouse/serving
# Optional --vars for `make dbt-build` / `make build`, as JSON or YAML: DBT_VARS='{raw_data_path: /data/acme}'
DBT_VARS ?=
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
# Spark (target spark): every JVM binds and connects on loopback only.
export SPARK_LOCAL_IP := 127.0.0.1

.PHONY: help venv build quality-raw dbt-build quality publish dashboard test lint fmt lock seeds bench uci docs semantic \
	clean postgres-up postgres-down spark-up spark-down spark-status

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(BIN)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --python $(BIN)/python -q --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python -q --no-deps -e .
	@touch $@

# Compiled bytecode for every installed module: the environment sets PYTHONDONTWRITEBYTECODE, so without
# it every dbt process recompiles dbt-core's imports on start (an empty `dbt run`: ~8 s -> ~3 s). uv
# compiles what it installs; this covers a venv whose packages were installed before (uv skips them).
$(BIN)/.bytecode: $(BIN)/.installed
	$(BIN)/python -m compileall -q -j 0 "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" > /dev/null || true
	@touch $@

venv: $(BIN)/.installed $(BIN)/.bytecode  ## create .venv with the locked dependencies, compiled (reused when up to date)

quality-raw: venv  ## check the raw input the vars point at, before dbt (options: QUALITY_ARGS=...)
	$(BIN)/segmentation quality --raw $(if $(DBT_VARS),--vars '$(DBT_VARS)') $(QUALITY_ARGS)

dbt-build: venv  ## dbt build on the demo data into $DUCKDB_PATH
	@mkdir -p $(dir $(DUCKDB_PATH))
	$(BIN)/dbt build $(if $(DBT_VARS),--vars '$(DBT_VARS)')

QUALITY_BASELINE ?= $(SERVING_DIR)/segmentation.duckdb
quality: venv  ## check $DUCKDB_PATH and compare it with the last published copy $QUALITY_BASELINE (options: QUALITY_ARGS=...)
	$(BIN)/segmentation quality --database $(DUCKDB_PATH) --baseline $(QUALITY_BASELINE) $(QUALITY_ARGS)

publish: venv  ## audit $DUCKDB_PATH (last dbt build passed + quality checkpoints) and publish it to warehouse/serving
	$(BIN)/segmentation publish --database $(DUCKDB_PATH) --serving-dir $(SERVING_DIR) $(PUBLISH_ARGS)

dashboard: venv  ## the Streamlit dashboard over warehouse/serving on http://127.0.0.1:8501 (after make build)
	$(BIN)/segmentation dashboard --serving-dir $(SERVING_DIR) $(DASHBOARD_ARGS)

build: quality-raw dbt-build publish  ## set up, check the raw input, dbt build on the demo data, quality checkpoints (publish's audit), publish

test: venv  ## the whole test suite
	$(BIN)/pytest

lint: venv  ## sqlfluff + ruff only
	$(BIN)/sqlfluff lint models tests analyses macros
	$(BIN)/ruff check src pytests
	$(BIN)/ruff format --check src pytests

fmt: venv  ## auto-fix SQL and Python style
	$(BIN)/sqlfluff fix models tests analyses
	$(BIN)/ruff check --fix src pytests
	$(BIN)/ruff format src pytests

lock: venv  ## re-resolve requirements.in into requirements.lock
	$(BIN)/uv pip compile requirements.in -p 3.11 -o requirements.lock

seeds: venv  ## regenerate the demo seeds with the generator
	$(BIN)/segmentation generate --seeds seeds/demo --docs docs/demo_data.md

bench: venv  ## benchmark 1M/10M lines (BENCH_SIZES to change)
	$(BIN)/segmentation bench --sizes $${BENCH_SIZES:-1000000,10000000}

UCI_DB := warehouse/online_retail.duckdb
UCI_TARGET := warehouse/online_retail_target
UCI_SERVING := warehouse/serving_uci

uci: venv  ## build the UCI Online Retail file into warehouse/online_retail.duckdb, checkpoints, publish to warehouse/serving_uci, README results
	DUCKDB_PATH=$(UCI_DB) DBT_TARGET_PATH=$(UCI_TARGET) $(BIN)/dbt build --vars '{source: online_retail, reporting_currency: GBP, penetration_grain: product}'
	$(BIN)/segmentation publish --database $(UCI_DB) --run-results $(UCI_TARGET)/run_results.json --serving-dir $(UCI_SERVING)
	$(BIN)/segmentation report --database $(UCI_DB) --run-results $(UCI_TARGET)/run_results.json \
		--section online_retail --output README.md --heading-level 3 --title "Results on the UCI Online Retail file"

docs: venv  ## generate dbt docs into target/ (after make build; README, Docs)
	$(BIN)/dbt docs generate

semantic: venv  ## validate the semantic layer against $DUCKDB_PATH (after make build): dbt parse + mf validate-configs
	$(BIN)/dbt parse --quiet
	$(BIN)/mf validate-configs

# PostgreSQL (docs/engines.md): a local cluster under warehouse/postgres on 127.0.0.1 (Debian's postgresql package,
# installed when missing). `eval "$$(make -s postgres-up)"` exports PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE,
# then `dbt build --target postgres` and psql work in that shell. PGPORT=... picks another port.
postgres-up: venv  ## start the local PostgreSQL (idempotent); prints export lines: eval "$$(make -s postgres-up)"
	@$(BIN)/segmentation postgres up

postgres-down: venv  ## stop the local PostgreSQL (idempotent; data kept under warehouse/postgres)
	@$(BIN)/segmentation postgres down

spark-up: venv  ## start the standalone Spark cluster on 127.0.0.1 (idempotent); eval "$$(make -s spark-up)" exports its settings
	@$(BIN)/segmentation spark up

spark-down:  ## stop the Spark cluster started by spark-up (idempotent)
	@if [ -x $(BIN)/python ]; then $(BIN)/segmentation spark down; fi

spark-status: venv  ## say whether the Spark cluster is running (exit 1 when not)
	@$(BIN)/segmentation spark status

clean:  ## remove the warehouse and dbt artefacts (keeps .venv; stops the local PostgreSQL first)
	@test ! -x $(BIN)/segmentation || $(BIN)/segmentation postgres down 2>/dev/null || true
	rm -rf warehouse target logs
