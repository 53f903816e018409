"""``python -m annotator`` does what the ``annotator`` command does."""

from .app import main

main()
