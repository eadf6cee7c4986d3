# Set-up and everyday commands. `make run` and `make test` install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TORCH := torch==2.13.0
ZH := samples/S_PV.7050_zh.txt
AR := samples/S_PV.7050_ar.txt
OUT := out

.PHONY: install run test lint fuzz bench screenshot clean

$(BIN)/aligner: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# CPU build of torch first, so camel-tools does not pull a multi-GB CUDA build
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/aligner

install: $(BIN)/aligner

run: install
	mkdir -p $(OUT)
	$(BIN)/aligner align $(ZH) $(AR) -o $(OUT)/S_PV.7050.tsv
	$(BIN)/aligner align $(ZH) $(AR) -o $(OUT)/S_PV.7050 --format jsonl,html -q --report $(OUT)/S_PV.7050.moves.json
	@echo "wrote $(OUT)/S_PV.7050.tsv, .jsonl, .html (the review page) and .moves.json"

test: install
	$(BIN)/python -m pytest

fuzz: install  # the property tests with many more generated inputs (a few minutes)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/test_properties.py

# speed, memory and scaling beside a Gale–Church baseline: bench/results.md and .json (several minutes);
# options through BENCH_ARGS, e.g. make bench BENCH_ARGS="--budget 300 --runs 7";
# then the review page's first paint in headless Chromium: bench/page.md and .json (needs chromium)
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/page.py

# docs/review.png, the README's picture of the review page, taken by the tests' Chromium
screenshot: install
	$(BIN)/python docs/screenshot.py

lint: install
	$(BIN)/pip install --quiet ruff
	$(BIN)/ruff check aligner tests bench

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
