# make demo: set up .venv, generate the synthetic set, train and test ST-GCN, print top-1.
# make test: set up .venv if missing, lint, run the test suite (slow tests: make test-slow).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.mmskel-installed
DEMO_CONFIG := configs/skeleton/stgcn/stgcn_10e_synthetic_xsub_keypoint_3d.py
DEMO_DIR := work_dirs/demo
PYTEST_ARGS ?=

.PHONY: venv demo lint test test-slow clean
LINTED := mmskel tools tests benchmarks demo configs setup.py

venv: $(STAMP)

$(STAMP): setup.py requirements/runtime.txt requirements/tests.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet 'setuptools<81' wheel
	$(PY) -m pip install --quiet -r requirements/runtime.txt -r requirements/tests.txt
	$(PY) -m pip install --quiet --no-build-isolation --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(PY) tools/data/synthetic/generate_synthetic.py --out data/synthetic/synthetic_3danno.pkl
	$(PY) tools/train.py $(DEMO_CONFIG) --validate --seed 0 --work-dir $(DEMO_DIR)
	$(PY) tools/test.py $(DEMO_CONFIG) $$(cat $(DEMO_DIR)/last_checkpoint) \
		--work-dir $(DEMO_DIR) --out $(DEMO_DIR)/result.pkl
	@$(PY) -c "import pickle; r = pickle.load(open('$(DEMO_DIR)/result.pkl', 'rb')); \
		print('demo: val top-1 = %.2f%% on %d samples' % (100 * (r['scores'].argmax(1) == r['labels']).mean(), len(r['labels'])))"

lint: $(STAMP)
	$(PY) -m flake8 $(LINTED)
	$(PY) -m isort --check-only --diff $(LINTED)

test: lint
	$(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS) tests

test-slow: lint
	$(PY) -m pytest -q $(PYTEST_ARGS) tests

clean:
	rm -rf $(VENV) work_dirs build *.egg-info mmskel/.mim
