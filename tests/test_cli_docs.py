"""Every command and every option of ``kg`` is documented in the README."""

from __future__ import annotations

import argparse

import pytest

from kg.cli import parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)).choices


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_and_its_options_are_documented(name: str) -> None:
    assert f"kg {name}" in README, f"`kg {name}` is not in the README"
    for action in COMMANDS[name]._actions:
        options = [o for o in action.option_strings if o != "--help" and o != "-h"]
        if options:
            assert any(o in README for o in options), f"kg {name}: none of {options} is in the README"
