"""The lab: training, calibration and fitting scripts, run from the project root by the Makefile (never
installed by `pip install .`)."""
