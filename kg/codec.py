"""Extractions to JSON and back, so that an unchanged article is never extracted twice.

The cache is plain JSON (readable, diffable) written beside the store; ``FINGERPRINT`` names the
extractor code and data it came from, so a change to either invalidates every cached record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar, cast

from kg import model
from kg.resources import project_root

T = TypeVar("T")
_PLAIN = frozenset({str, int, float, bool, type(None)})


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass, None for any other type (looked up once per type)."""
    if cls not in _FIELDS:
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None
    return _FIELDS[cls]


def _encode(value: Any) -> Any:
    cls = type(value)
    if cls in _PLAIN:
        return value
    if cls is tuple or cls is list:
        return [_encode(v) for v in value]
    names = _field_names(cls)
    if names is not None:
        return {name: _encode(getattr(value, name)) for name in names}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


Decoder = Callable[[Any], Any]


def _keep(value: Any) -> Any:
    return value


@cache
def _decoder(hint: Any) -> Decoder:
    """A function that turns the JSON of a value of type ``hint`` back into it, made once per type
    (working the types out again for every value took most of the time of reading a large store)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _decoder(inner[0]) if inner else _keep
    if origin is tuple:
        item = _decoder(args[0])
        if item is _keep:
            return lambda value: None if value is None else tuple(value)
        return lambda value: None if value is None else tuple(item(v) for v in value)
    if hint is dt.date:
        return lambda value: None if value is None else dt.date.fromisoformat(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        fields = {name: _decoder(field) for name, field in _hints(hint).items()}

        def record(value: Any) -> Any:
            if value is None:
                return None
            return hint(**{name: fields[name](v) for name, v in value.items() if name in fields})

        return record
    return _keep


def to_plain(value: Any) -> Any:
    """A dataclass value (an extraction, a link record) as plain JSON data."""
    return _encode(value)


def from_plain(cls: type[T], data: Any) -> T:
    """The value of dataclass ``cls`` that :func:`to_plain` gave ``data`` for."""
    result = _decoder(cast(Any, cls))(data)
    assert isinstance(result, cls)
    return result


def dumps(extraction: model.Extraction) -> str:
    return json.dumps(_encode(extraction), ensure_ascii=False, sort_keys=True)


def loads(text: str) -> model.Extraction:
    result = _decoder(model.Extraction)(json.loads(text))
    assert isinstance(result, model.Extraction)
    return result


@cache
def fingerprint() -> str:
    """A digest of the code and data that extraction and the reference graph come from: what a store
    cached (extractions, the reference graph) is valid only under the same one."""
    root = project_root()
    digest = hashlib.sha256()
    parts = [root / "kg" / "extract", root / "data" / "patterns", root / "data" / "reference"]
    suffixes = {".py", ".yaml", ".csv"}
    files = sorted(p for part in parts if part.exists() for p in part.rglob("*") if p.suffix in suffixes)
    # what reads the articles, and what turns reference data into triples (the cached reference graph)
    files += [
        root / "kg" / name
        for name in ("ingest.py", "text.py", "gazetteer.py", "model.py", "mapping.py", "reference.py")
    ]
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
