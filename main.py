"""Thin launcher: ``python main.py`` does what the ``annotator`` command does."""

from annotator.app import main

if __name__ == "__main__":
    main()
