"""pre-commit hooks of pytest-mltest, one module per hook (see .pre-commit-hooks.yaml)."""
