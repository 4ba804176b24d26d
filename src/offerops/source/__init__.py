"""Load YAML fast, with the position of every key and value kept for findings."""
