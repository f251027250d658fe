"""docs/cli.md agrees with each command's --help.

Every command of ``effcast`` has a section ``## `effcast NAME` `` in
docs/cli.md. Within that section every option the command accepts is
mentioned, and the section's options table (rows starting with a back-quoted
option) names no option the command does not accept.
"""

from __future__ import annotations

import re

import click
import pytest
from conftest import ROOT

from effcast.cli._main import main

DOC = (ROOT / "docs" / "cli.md").read_text()


def section(name: str) -> str:
    m = re.search(rf"^## `effcast {name}`\s*$", DOC, flags=re.M)
    assert m, f"docs/cli.md has no section '## `effcast {name}`'"
    rest = DOC[m.end() :]
    nxt = re.search(r"^## ", rest, flags=re.M)
    return rest[: nxt.start()] if nxt else rest


def options(command: click.Command) -> set[str]:
    out = set()
    for param in command.params:
        if isinstance(param, click.Option):
            out.update(param.opts)
            out.update(param.secondary_opts)
    return out | {"-h", "--help"}


def table_options(text: str) -> set[str]:
    found = set()
    for line in text.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            found.update(re.findall(r"`(--?[A-Za-z][\w-]*)", first))
    return found


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_option_is_documented(name):
    text = section(name)
    missing = [o for o in sorted(options(main.commands[name])) if o not in text]
    assert not missing, f"effcast {name}: {missing} not in docs/cli.md"


@pytest.mark.parametrize("name", sorted(main.commands))
def test_documented_options_exist(name):
    extra = table_options(section(name)) - options(main.commands[name])
    assert not extra, f"docs/cli.md documents {sorted(extra)} for effcast {name}"


def test_negative_control_catches_a_missing_option():
    assert "--no-such-option" not in section("sample")
    assert table_options("| `--bogus N` | x |") == {"--bogus"}
