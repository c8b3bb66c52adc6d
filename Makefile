# Two commands do all set-up: `make chat` (install, index seeds/, open the chat) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STORE ?= .qa-store
PORT ?= 7860

.PHONY: install chat index test lint typecheck pytest chromium screenshots bench eval eval-news eval-fresh eval-real eval-quotes eval-held-out \
  train-reader train-speaker distil-speaker ship-reader ship-speaker compare-speakers calibrate-reader calibrate-check fit-ranker clean

install: $(STAMP)

# torch==2.13.0 first: pip takes the CPU build from local disk; anything else pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

index: install
	$(BIN)/qa index seeds --store $(STORE)

chat: index
	$(BIN)/qa serve --store $(STORE) --port $(PORT)

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium', then make test." >&2; \
	    exit 1; \
	  fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install chromium
	$(BIN)/python -m pytest

test: lint typecheck pytest

# The browser tests again, saving their screenshots over the README's pictures in docs/screenshots.
screenshots: install chromium
	QA_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/browser

eval: install
	$(BIN)/qa eval ../shared/eval/qa.dev.jsonl --articles ../shared/eval/articles.dev.jsonl \
	  --distractors ../shared/eval/quotes.dev.jsonl

# News questions and near misses over the 840 news articles (score.py news, in process; the store is
# kept in build/eval-news and built again when the articles or the indexing code change), by type and
# by half, with the same figures on the Wikipedia dev set beside them.
eval-news: install
	nice -n 10 $(BIN)/qa eval news ../shared/eval/qa_news.dev.jsonl --articles ../shared/eval/quotes.train.jsonl \
	  --wikipedia ../shared/eval/qa.dev.jsonl ../shared/eval/articles.dev.jsonl ../shared/eval/quotes.dev.jsonl

# Three small sets of invented news articles in other styles, never tuned on (lab/data/fresh_news; stores
# kept in build/fresh): hit@1, span F1, declines, near misses declined, the confidence's AUC.
eval-fresh: install
	$(BIN)/python -m lab.news.fresh

# Questions written over the 83 real dev news articles (quotes.dev.jsonl), never tuned on; the store in
# build/real-news.
eval-real: install
	$(BIN)/python -m lab.news.real

# Quote detection and who-said accuracy on the dev quotes.
eval-quotes: install
	$(BIN)/qa eval quotes ../shared/eval/quotes.dev.jsonl --whosaid ../shared/eval/qa_whosaid.dev.jsonl

# The same on the reader's 20 held-out training articles (never trained or calibrated on; ~8 min).
eval-held-out: install
	$(BIN)/python -m lab.reader.held_out_eval

# Train the reader from ../shared/train (about 2 hours on 2 idle cores for 14,000 of the 18,879 paragraphs; resumes where it stopped; never part
# of `make test`). Checkpoints, log and the int8 export go to build/reader; `make ship-reader` copies the
# export into qa/answering/reader/model once its held-out scores beat the shipped model's. To go on from a finished
# run on the paragraphs it left out: make train-reader ship-reader READER_WORK=build/reader-rest
# READER_ARGS="--init build/reader/final.pt --lr 3e-5 --max-paragraphs 0" (4,100 paragraphs, 40 minutes).
READER_ARGS ?= --max-paragraphs 14000
READER_WORK ?= build/reader
train-reader: install
	mkdir -p $(READER_WORK)
	nice -n 19 $(BIN)/python -m lab.reader.train --work $(READER_WORK) $(READER_ARGS) 2>&1 | tee -a $(READER_WORK)/train.log

# Train the speaker model (lab/speaker: a quote and its paragraphs to the speaker's mention, or none in
# reach) on ../shared/eval/quotes.train.jsonl, a tenth of its articles held out; resumes where it stopped;
# never part of `make test`. Checkpoints, log, held-out scores and the int8 export go to build/speaker.
SPEAKER_ARGS ?=
SPEAKER_WORK ?= build/speaker
train-speaker: install
	mkdir -p $(SPEAKER_WORK)
	nice -n 19 $(BIN)/python -m lab.speaker.train --work $(SPEAKER_WORK) $(SPEAKER_ARGS) 2>&1 | tee -a $(SPEAKER_WORK)/train.log

# Distil a six-layer teacher (the int8 export of `make train-speaker`, or the one shipped until session 17:
# `git show cfa279f:qa/quotes/extraction/model/speaker.int8.onnx > teacher.onnx`) into the four-layer
# model shipped since (its logits as soft targets beside the gold spans; resumable, never in `make test`).
DISTIL_WORK ?= build/speaker-distil
TEACHER ?= build/speaker/speaker.int8.onnx
distil-speaker: install
	mkdir -p $(DISTIL_WORK)
	nice -n 19 $(BIN)/python -m lab.speaker.train --work $(DISTIL_WORK) --layers 4 --epochs 3 \
		--teacher $(TEACHER) 2>&1 | tee -a $(DISTIL_WORK)/train.log

ship-reader: install
	$(BIN)/python -m lab.reader.ship --work $(READER_WORK)

# Ship a trained speaker model (after comparing it: make compare-speakers) into the package.
ship-speaker: install
	cp $(SPEAKER_WORK)/speaker.int8.onnx $(SPEAKER_WORK)/tokenizer.json $(SPEAKER_WORK)/scores.json \
		qa/quotes/extraction/model/

# Speaker figures of the model trained in SPEAKER_WORK under each policy (rules, model, own cue first,
# fill) on dev (hand-read speakers) and the held-out tenth of train; the shipped model's:
# `python -m lab.speaker.compare --train`.
compare-speakers: install
	nice -n 19 $(BIN)/python -m lab.speaker.compare --train --model $(SPEAKER_WORK)

# The lab (lab/, never installed): choose the reader's settings and fit its confidence on the dev
# questions; choose the quote check's thresholds; fit the pronoun ranker on the PolNeAR train quotes.
calibrate-reader: install
	nice -n 19 $(BIN)/python -m lab.reader.calibrate

calibrate-check: install
	nice -n 19 $(BIN)/python -m lab.factcheck.calibrate

fit-ranker: install
	nice -n 19 $(BIN)/python -m lab.quotes.fit_ranker ../shared/eval/quotes.train.jsonl

bench: install
	$(BIN)/python -m bench.latency

clean:
	rm -rf $(VENV) $(STORE) .mypy_cache .ruff_cache .pytest_cache
