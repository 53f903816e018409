"""Reproducible performance figures against baselines measured in the same run."""
