"""Annotator: source-attribution and stance annotation for news articles."""

__version__ = "0.1.0"
