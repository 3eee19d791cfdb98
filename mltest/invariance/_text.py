"""Perturbations of a text column, string by string (CheckList's robustness tests for text)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mltest import _validation
from mltest.errors import invalid_argument, invalid_type
from mltest.invariance._frames import Frame
from mltest.invariance._perturbations import Perturbation, check_column_name, check_seed

__all__ = ["case", "replace_words", "typos", "whitespace"]

_TEXT = ("string",)


class _Text(Perturbation):
    """A perturbation of a text column, applied string by string; unchanged rows are left out."""

    def _change(self, text: str, rng: np.random.Generator) -> str:
        raise NotImplementedError

    def _perturb(self, frame: Frame, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
        frame.require_kind(self.column, repr(self), _TEXT, "a text (string) column")
        current = frame.values(self.column)
        new = np.array([v if not isinstance(v, str) else self._change(v, rng) for v in current], dtype=object)
        index = np.flatnonzero(new != current)
        return frame.take(index).with_values(self.column, new[index]), index


class typos(_Text):
    """Swap ``n`` random pairs of adjacent characters in each text (CheckList's typos)."""

    def __init__(self, column: str, n: int = 1, *, seed: Any = None) -> None:
        self.column = check_column_name(column, "typos")
        self.n = _validation.number("typos: n", n, low=1, integer=True)
        self.seed = check_seed(seed)
        self.random = True

    def _change(self, text: str, rng: np.random.Generator) -> str:
        if len(text) < 2:
            return text
        chars = list(text)
        for _ in range(self.n):
            # Swap two different neighbours, so the text really changes.
            candidates = [i for i in range(len(chars) - 1) if chars[i] != chars[i + 1]]
            if not candidates:
                break
            i = candidates[int(rng.integers(0, len(candidates)))]
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        return "".join(chars)

    def __repr__(self) -> str:
        return f"typos({self.column!r}" + (f", n={self.n}" if self.n != 1 else "") + ")"


_CASES = {"lower": str.lower, "upper": str.upper, "title": str.title, "capitalize": str.capitalize}


class case(_Text):
    """Change the case of a text column: ``how`` is lower, upper, title or capitalize."""

    def __init__(self, column: str, how: str = "lower") -> None:
        self.column = check_column_name(column, "case")
        if how not in _CASES:
            raise invalid_argument("case: how", how, f"one of {list(_CASES)}", choices=_CASES)
        self.how = how

    def _change(self, text: str, rng: np.random.Generator) -> str:
        return _CASES[self.how](text)

    def __repr__(self) -> str:
        return f"case({self.column!r}, {self.how!r})"


_SPACES = re.compile(r"\s+")
_WHITESPACE = ("double", "pad", "strip")


class whitespace(_Text):
    """Change whitespace: ``double`` doubles each run of spaces, ``pad`` adds a space at both ends,
    ``strip`` trims the ends and collapses runs to one space."""

    def __init__(self, column: str, how: str = "double") -> None:
        self.column = check_column_name(column, "whitespace")
        if how not in _WHITESPACE:
            raise invalid_argument("whitespace: how", how, f"one of {list(_WHITESPACE)}", choices=_WHITESPACE)
        self.how = how

    def _change(self, text: str, rng: np.random.Generator) -> str:
        if self.how == "double":
            return _SPACES.sub(lambda m: m.group(0) * 2, text)
        if self.how == "pad":
            return f" {text} "
        return _SPACES.sub(" ", text).strip()

    def __repr__(self) -> str:
        return f"whitespace({self.column!r}, {self.how!r})"


class replace_words(_Text):
    """Replace whole words by ``mapping`` (``{"great": "good"}``; a list of replacements picks one
    at random per text). Texts containing none of the words are left out."""

    def __init__(self, column: str, mapping: Mapping[str, str | Sequence[str]], *, seed: Any = None) -> None:
        self.column = check_column_name(column, "replace_words")
        if not isinstance(mapping, Mapping) or not mapping:
            raise invalid_type("replace_words: mapping", mapping, "a non-empty dict {word: replacement(s)}")
        self.mapping: dict[str, list[str]] = {}
        for word, replacement in mapping.items():
            choices = [replacement] if isinstance(replacement, str) else list(replacement)
            if not isinstance(word, str) or not word or not choices or not all(isinstance(c, str) for c in choices):
                raise invalid_argument(
                    "replace_words: mapping", {word: replacement}, "words (str) mapped to a str or a list of str"
                )
            self.mapping[word] = choices
        words = sorted(self.mapping, key=len, reverse=True)
        self._pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")
        self.seed = check_seed(seed)
        self.random = any(len(c) > 1 for c in self.mapping.values())

    def _change(self, text: str, rng: np.random.Generator) -> str:
        def pick(match: re.Match[str]) -> str:
            choices = self.mapping[match.group(0)]
            return choices[int(rng.integers(0, len(choices)))] if len(choices) > 1 else choices[0]

        return self._pattern.sub(pick, text)

    def __repr__(self) -> str:
        shown = {w: (c[0] if len(c) == 1 else c) for w, c in self.mapping.items()}
        return f"replace_words({self.column!r}, {shown!r})"
