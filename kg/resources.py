"""Where the project's data files live, and loading them by name (once).

The ontology, shapes, reference data, patterns and queries are files, not strings in code.
Every loader also accepts an explicit path so that users can bring their own.
"""

from __future__ import annotations

import csv
import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kg.errors import ResourceError


@cache
def project_root() -> Path:
    """The folder holding ``ontology/``, ``data/`` and ``queries/``.

    ``KG_HOME`` if set; else the checkout this package runs from; else the working folder.
    """
    env = os.environ.get("KG_HOME")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "ontology").is_dir():
        return checkout
    return Path.cwd()


def data_path(*parts: str) -> Path:
    path = project_root().joinpath(*parts)
    if not path.exists():
        raise ResourceError(f"missing project data file: {path.relative_to(project_root())}")
    return path


# libyaml's safe loader where PyYAML was built with it: ten times faster on the gazetteer's files
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load_yaml(*parts: str) -> Any:
    path = data_path(*parts)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise ResourceError(f"{path.name}: not valid YAML: {exc}") from exc


@cache
def load_csv(*parts: str) -> tuple[dict[str, str], ...]:
    path = data_path(*parts)
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def patterns(name: str) -> Any:
    """A pattern file of ``data/patterns/`` by name (without ``.yaml``)."""
    return load_yaml("data", "patterns", f"{name}.yaml")
