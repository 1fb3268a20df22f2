"""Sentences and tokens with character offsets into the article text.

A sentence ends at ``.``, ``!`` or ``?`` (and any closing quote) before a capital, a digit or a
quote, unless the word before the stop is an abbreviation (``data/patterns/text.yaml``) or an
initial ("Jonas K. Berg"). A paragraph that goes on in lower case continues the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.model import Sentence
from kg.resources import patterns

_END = re.compile(r"[.!?][\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=[A-Z\"'\d])")
TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # U.S. H.E. U.N.
    r"|[^\W_]+(?:['][^\W_]+)*"  # words, with inner apostrophes (O'Brien); 's split below
    r"|[^\s\w]",  # any other single character: punctuation, dashes
)


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def is_capitalised(self) -> bool:
        return self.text[:1].isupper()


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(patterns("text")["abbreviations"])


def _ends_sentence(text: str, stop: int) -> bool:
    if text[stop] != ".":
        return True
    word = re.search(r"([\w.]+)$", text[:stop])
    if not word:
        return True
    before = word.group(1).lower().rstrip(".")
    if before in _abbreviations():
        return False
    # a single capital initial ("L.") is not a sentence end
    return not (len(before) == 1 and word.group(1).isupper())


def split_sentences(text: str, *, offset: int = 0, first_index: int = 0) -> list[Sentence]:
    """Sentences of ``text``; offsets are shifted by ``offset`` into the article."""
    spans: list[tuple[int, int]] = []
    for para in _paragraph_spans(text):
        start = para[0]
        for match in _END.finditer(text, para[0], para[1]):
            if _ends_sentence(text, match.start()):
                spans.append((start, match.end()))
                start = match.end()
        spans.append((start, para[1]))
    sentences: list[Sentence] = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            sentences.append(Sentence(first_index + len(sentences), start + offset, end + offset, text[start:end]))
    return sentences


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraphs; one that starts in lower case continues the previous one (a broken line)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _PARAGRAPH.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    merged: list[tuple[int, int]] = []
    for span in spans:
        chunk = text[span[0] : span[1]].lstrip()
        if merged and chunk[:1].islower():
            merged[-1] = (merged[-1][0], span[1])
        elif chunk:
            merged.append(span)
    return merged


def tokenize(text: str, offset: int = 0) -> list[Token]:
    tokens: list[Token] = []
    for match in TOKEN.finditer(text):
        word = match.group()
        start = match.start() + offset
        if len(word) > 2 and word.endswith("'s"):
            tokens.append(Token(word[:-2], start, start + len(word) - 2))
            tokens.append(Token("'s", start + len(word) - 2, start + len(word)))
        else:
            tokens.append(Token(word, start, start + len(word)))
    return tokens
