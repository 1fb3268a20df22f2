"""Minting IRIs: one function from a normalised key, so the same thing gets the same IRI in every build.

>>> slug("Ana  Petrova")
'ana-petrova'
>>> slug("Al-Qaeda in the Islamic Maghreb")
'al-qaeda-in-the-islamic-maghreb'
"""

from __future__ import annotations

import re
import unicodedata

DEFAULT_BASE = "https://w3id.org/ctkg/id/"
KINDS = ("article", "state", "person", "org", "body", "group", "place", "meeting", "attack", "graph")

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens; total (never empty) and stable."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    result = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    return result or "x" + format(sum(map(ord, text)) % 65536, "04x")


def key(kind: str, local: str) -> str:
    """An entity key such as ``state/KEN`` or ``person/ana-petrova``; IRIs are ``base + key``."""
    if kind not in KINDS:
        raise ValueError(f"unknown IRI kind {kind!r}")
    return f"{kind}/{local}"


def kind_of(entity_key: str) -> str:
    return entity_key.split("/", 1)[0]
