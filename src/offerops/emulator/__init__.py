"""A local emulator of the AWS Marketplace Catalog API (private offers) and a subset of the
Agreement API, with state in SQLite. See docs/emulator.md."""
