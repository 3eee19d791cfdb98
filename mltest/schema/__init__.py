"""Data-schema checks on top of pandera (placeholder until the schema family lands)."""

__all__: list[str] = []
