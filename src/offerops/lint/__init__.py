"""The linter: rules as data, a runner that adds positions, findings for reporters."""
