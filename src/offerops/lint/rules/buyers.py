"""Rules of this category are being written; see docs/rules.md for the current list."""
