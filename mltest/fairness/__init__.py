"""Placeholder: this family is being built."""

__all__: list[str] = []
