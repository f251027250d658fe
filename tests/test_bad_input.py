"""Bad input: take the good prior, break one thing, expect one clear error.

Every case is checked twice: through the API (one ``EffcastError`` whose
message names the file, the factor, the field and the line) and through the
command line run in-process (exit status 2, the same message on stderr, no
traceback, nothing on stdout, no file written).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PRIORS

import effcast
from effcast.cli._main import main

GOOD_PATH = PRIORS / "gpt3_today.toml"
GOOD = GOOD_PATH.read_text(encoding="utf-8")
# Factor names only: the file's [baseline] and [[reference]] tables have names too.
NAMES = [
    m
    for block in re.split(r"^\[", GOOD, flags=re.M)
    if block.startswith("[factor]]")
    for m in re.findall(r'^name = "([^"]+)"$', block, flags=re.M)
]
ARGS = ["-n", "1000", "--seed", "1"]


# --------------------------------------------------------------------------
# Breaking the good file, one thing at a time
# --------------------------------------------------------------------------


def _span(text: str, index: int) -> tuple[int, int]:
    """Character span of the ``index``-th ``[[factor]]`` block of ``text``."""
    starts = [m.start() for m in re.finditer(r"^\[\[factor\]\]$", text, flags=re.M)]
    a = starts[index]
    # The block ends at the next table header of any kind.
    nxt = re.search(r"\n\[", text[a:])
    return a, a + nxt.start() + 1 if nxt else len(text)


def edit(old: str, new: str, *, factor: str | None = None, text: str = GOOD) -> str:
    """``text`` with the one occurrence of ``old`` (in ``factor``'s block) replaced."""
    a, b = _span(text, NAMES.index(factor)) if factor else (0, len(text))
    assert text[a:b].count(old) == 1, f"{old!r} is not unique in the block"
    i = text.index(old, a, b)
    out = text[:i] + new + text[i + len(old) :]
    assert out != text
    return out


def put(factor: str, key: str, value: str, text: str = GOOD) -> str:
    """Set ``key = value`` in a factor, replacing the key's line or adding one."""
    a, b = _span(text, NAMES.index(factor))
    m = re.search(rf"^{key} = .*$", text[a:b], flags=re.M)
    if m:
        return edit(m.group(0), f"{key} = {value}", factor=factor, text=text)
    name = f'name = "{factor}"'
    return edit(name, f"{name}\n{key} = {value}", factor=factor, text=text)


def drop(factor: str, key: str, text: str = GOOD) -> str:
    """Remove ``key``'s line from a factor."""
    a, b = _span(text, NAMES.index(factor))
    m = re.search(rf"^{key} = .*\n", text[a:b], flags=re.M)
    assert m, f"{factor} has no {key}"
    return edit(m.group(0), "", factor=factor, text=text)


def header_line(text: str, index: int) -> int:
    """1-based line of the ``index``-th ``[[factor]]`` header."""
    return text[: _span(text, index)[0]].count("\n") + 1


def key_line(
    text: str, key: str, *, index: int | None = None, section: str | None = None
) -> int | None:
    """1-based line of ``key = ...`` in a factor, a ``[section]`` or the top level."""
    lines = text.splitlines()
    if index is not None:
        start = header_line(text, index)
    elif section is not None:
        start = lines.index(f"[{section}]") + 1
    else:
        start = 0
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.startswith("["):
            break
        if re.match(rf"{re.escape(key)}\s*=", line):
            return number
    return None


@dataclass
class Bad:
    """A broken prior and what its error must say.

    ``factor`` is the factor's position (0-based) when the problem lies in
    one, ``section`` the table of a key outside the factors. The message must
    give the line of ``field``'s key, or of the factor's header if the key is
    absent.
    """

    text: str
    field: str
    words: tuple[str, ...]
    factor: int | None = None
    section: str | None = None

    @property
    def factor_name(self) -> str | None:
        """The factor's name as the broken file gives it."""
        if self.factor is None:
            return None
        a, b = _span(self.text, self.factor)
        return re.search(r'^name = "([^"]+)"$', self.text[a:b], flags=re.M).group(1)

    @property
    def line(self) -> int | None:
        key = self.field.split(".")[-1]
        if self.factor is not None:
            return key_line(self.text, key, index=self.factor) or header_line(
                self.text, self.factor
            )
        return key_line(self.text, key, section=self.section)


MOE, CHIN, HW = (
    NAMES.index("moe"),
    NAMES.index("chinchilla"),
    NAMES.index("hardware_efficiency"),
)
NO_FACTORS = GOOD[: GOOD.index("[[factor]]")]
NO_DEFAULT_FLOOR = edit("[defaults]\nfloor = 1.0\n", "")

BAD_PRIORS = {
    # unknown and missing keys
    "top-level unknown key": Bad(
        edit("title = ", 'colour = "red"\ntitle = '), "colour", ("unknown key",)
    ),
    "unknown key in [period]": Bad(
        edit("end = 2024.1", "end = 2024.1\nmid = 2022.0"),
        "period.mid",
        ("unknown key",),
        section="period",
    ),
    "unknown key in a factor": Bad(
        put("moe", "medain", "3.0"), "medain", ("unknown key",), MOE
    ),
    "missing reduces": Bad(drop("moe", "reduces"), "reduces", ("missing",), MOE),
    "missing dist": Bad(
        drop("moe", "dist"), "dist", ("missing", "lognormal", "truncnormal"), MOE
    ),
    "unknown dist": Bad(
        put("moe", "dist", '"gamma"'),
        "dist",
        ("unknown family", "gamma", "lognormal"),
        MOE,
    ),
    "mu without sigma": Bad(
        edit("ci = [1.25, 5.0]\nlevel = 0.90\nmedian = 2.5", "mu = 0.9", factor="moe"),
        "sigma",
        ("missing", "sigma"),
        MOE,
    ),
    "ci and mu": Bad(put("moe", "mu", "0.9"), "mu", ("not both",), MOE),
    "ci without level or default level": Bad(
        drop("moe", "level"), "level", ("missing", "level", "[defaults]"), MOE
    ),
    # non-finite numbers
    "inf in ci": Bad(put("moe", "ci", "[1.25, inf]"), "ci", ("finite",), MOE),
    "nan median": Bad(put("moe", "median", "nan"), "median", ("finite",), MOE),
    "nan level": Bad(put("moe", "level", "nan"), "level", ("finite",), MOE),
    "inf period end": Bad(
        edit("end = 2024.1", "end = inf"), "period.end", ("finite",), section="period"
    ),
    "nan period start": Bad(
        edit("start = 2020.0", "start = nan"),
        "period.start",
        ("finite",),
        section="period",
    ),
    "-inf default floor": Bad(
        edit("floor = 1.0", "floor = -inf"),
        "defaults.floor",
        ("finite",),
        section="defaults",
    ),
    "inf factor floor": Bad(
        put("chinchilla", "floor", "inf"), "floor", ("finite",), CHIN
    ),
    # intervals, levels, bounds, medians
    "decreasing ci": Bad(put("moe", "ci", "[5.0, 1.25]"), "ci", ("increase",), MOE),
    "flat ci": Bad(put("moe", "ci", "[2.0, 2.0]"), "ci", ("increase",), MOE),
    "level 1": Bad(put("moe", "level", "1.0"), "level", ("between 0 and 1",), MOE),
    "level 0": Bad(put("moe", "level", "0.0"), "level", ("between 0 and 1",), MOE),
    "level -0.5": Bad(put("moe", "level", "-0.5"), "level", ("between 0 and 1",), MOE),
    "level 90 (a percentage)": Bad(
        put("moe", "level", "90.0"), "level", ("between 0 and 1", "90"), MOE
    ),
    "default level 1.5": Bad(
        edit("floor = 1.0\n", "floor = 1.0\nlevel = 1.5\n"),
        "defaults.level",
        ("between 0 and 1",),
        section="defaults",
    ),
    "lower == upper": Bad(
        put("hardware_efficiency", "lower", "4.7"),
        "upper",
        ("lower (4.7)", "upper (4.7)"),
        HW,
    ),
    "lower > upper": Bad(
        put("hardware_efficiency", "lower", "5.0"), "upper", ("smaller",), HW
    ),
    "lognormal lower 0": Bad(
        put("moe", "lower", "0.0"), "lower", ("lognormal", "positive"), MOE
    ),
    "lognormal upper < 0": Bad(
        put("moe", "upper", "-1.0"), "upper", ("lognormal", "positive"), MOE
    ),
    "lognormal ci from 0": Bad(
        put("moe", "ci", "[0.0, 5.0]"), "ci", ("lognormal", "positive"), MOE
    ),
    "median above ci": Bad(
        put("moe", "median", "7.0"), "median", ("outside", "[1.25, 5]"), MOE
    ),
    "median below ci": Bad(put("moe", "median", "1.0"), "median", ("outside",), MOE),
    "median at the ci's end": Bad(
        put("moe", "median", "5.0"), "median", ("outside",), MOE
    ),
    "truncnormal, no lower bound and no floor": Bad(
        drop("chinchilla", "lower", text=NO_DEFAULT_FLOOR),
        "lower",
        ("below zero", "lower = 0"),
        CHIN,
    ),
    "truncnormal, floor switched off": Bad(
        put("chinchilla", "floor", "false", text=drop("chinchilla", "lower")),
        "lower",
        ("below zero",),
        CHIN,
    ),
    "truncnormal, negative lower and no floor": Bad(
        put("chinchilla", "lower", "-1.0", text=NO_DEFAULT_FLOOR),
        "lower",
        ("below zero",),
        CHIN,
    ),
    # names, factors, period
    "duplicate name": Bad(
        put("unpublished", "name", '"moe"'),
        "name",
        ("duplicate", "#2"),
        NAMES.index("unpublished"),
    ),
    "no factors": Bad(NO_FACTORS, "factor", ("at least one [[factor]]",)),
    "empty factor list": Bad(
        edit("[period]", "factor = []\n\n[period]", text=NO_FACTORS),
        "factor",
        ("at least one [[factor]]",),
    ),
    "period end before start": Bad(
        edit("end = 2024.1", "end = 2019.0"),
        "period.end",
        ("after start",),
        section="period",
    ),
    "period of zero length": Bad(
        edit("end = 2024.1", "end = 2020.0"),
        "period.end",
        ("after start",),
        section="period",
    ),
    "period dates reversed": Bad(
        edit("start = 2020.0\nend = 2024.1", "start = 2020-01-01\nend = 2019-12-31"),
        "period.end",
        ("after start",),
        section="period",
    ),
}


# --------------------------------------------------------------------------
# Fixtures and shared checks
# --------------------------------------------------------------------------


def files_under(root: Path) -> set[Path]:
    return set(root.rglob("*"))


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty working directory, so that anything written would show up."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(workdir: Path, text: str | bytes, name: str = "prior.toml") -> Path:
    path = workdir / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def api_error(path: Path | str) -> effcast.EffcastError:
    """The error ``effcast.load`` raises for ``path`` (it must raise one)."""
    with pytest.raises(effcast.EffcastError) as info:
        effcast.load(path)
    assert type(info.value) is effcast.EffcastError
    return info.value


def cli_fails(workdir: Path, args: list[str]) -> str:
    """Run the CLI; check it failed cleanly with status 2; return its stderr."""
    before = files_under(workdir)
    result = CliRunner().invoke(main, args)
    # A Python exception would be caught by CliRunner and give status 1.
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.strip()
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert files_under(workdir) == before
    return result.stderr


# --------------------------------------------------------------------------
# Broken prior files
# --------------------------------------------------------------------------


def test_the_good_file_is_good(workdir):
    """The control: the unbroken file loads and samples (so each case below
    fails because of its one break)."""
    path = write(workdir, GOOD)
    assert effcast.load(path).factor_names == tuple(NAMES)
    result = CliRunner().invoke(main, ["sample", str(path), *ARGS, "--json"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("case", BAD_PRIORS.values(), ids=BAD_PRIORS.keys())
def test_bad_prior_api(workdir, case):
    path = write(workdir, case.text)
    before = files_under(workdir)
    err = api_error(path)
    msg = str(err)
    assert files_under(workdir) == before
    assert str(path) in msg and err.source == str(path)
    assert err.field == case.field
    assert f"field '{case.field}" in msg
    if case.factor is not None:
        name = case.factor_name
        assert err.factor == name
        assert f"factor '{name}' (#{case.factor + 1})" in msg
    else:
        assert err.factor is None
    assert err.line == case.line  # None only where the key has no line
    if case.line is not None:
        assert f"{path}, line {case.line}," in msg
    for word in case.words:
        assert word in msg
    assert "more problem" not in msg  # one thing broken, one problem reported
    assert "\n" not in msg


@pytest.mark.parametrize("case", BAD_PRIORS.values(), ids=BAD_PRIORS.keys())
def test_bad_prior_cli(workdir, case):
    path = write(workdir, case.text)
    stderr = cli_fails(workdir, ["sample", str(path), *ARGS])
    assert stderr == f"effcast: error: {api_error(path)}\n"


def test_level_from_defaults_is_enough(workdir):
    """The control for "ci without level": a [defaults] level makes it valid."""
    text = edit(
        "floor = 1.0\n",
        "floor = 1.0\nlevel = 0.9\n",
        text=BAD_PRIORS["ci without level or default level"].text,
    )
    assert "moe" in effcast.load(write(workdir, text)).factor_names


def test_both_inf_and_nan_are_toml_floats():
    """The non-finite cases really hand effcast inf and nan (not a TOML error)."""
    import math
    import tomllib

    moe = tomllib.loads(BAD_PRIORS["inf in ci"].text)["factor"][MOE]
    assert math.isinf(moe["ci"][1])
    moe = tomllib.loads(BAD_PRIORS["nan median"].text)["factor"][MOE]
    assert math.isnan(moe["median"])


# --------------------------------------------------------------------------
# Files that are not TOML priors at all
# --------------------------------------------------------------------------

MALFORMED = {
    "bare word": put("moe", "reduces", "compute"),
    "key given twice": put("moe", "level", "0.9\nlevel = 0.8"),
    "number with two points": put("moe", "median", "2.5.0"),
}
MALFORMED_LINE = {  # the line the error is on, found in the text written
    "bare word": key_line(MALFORMED["bare word"], "reduces", index=MOE),
    # tomllib reports the second ``level``, the one that cannot be set
    "key given twice": key_line(MALFORMED["key given twice"], "level", index=MOE) + 1,
    "number with two points": key_line(
        MALFORMED["number with two points"], "median", index=MOE
    ),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_toml(workdir, name):
    path = write(workdir, MALFORMED[name])
    line = MALFORMED_LINE[name]
    err = api_error(path)
    assert err.line == line and err.source == str(path)
    assert str(err).startswith(f"{path}, line {line}, column ")
    assert "malformed TOML" in str(err)
    stderr = cli_fails(workdir, ["sample", str(path), *ARGS])
    assert stderr == f"effcast: error: {err}\n"


def _missing(workdir: Path, monkeypatch) -> tuple[Path, tuple[str, ...]]:
    return workdir / "no_such_prior.toml", ("no such file",)


def _directory(workdir: Path, monkeypatch) -> tuple[Path, tuple[str, ...]]:
    path = workdir / "priors.toml"
    path.mkdir()
    return path, ("directory",)


def _not_utf8(workdir: Path, monkeypatch) -> tuple[Path, tuple[str, ...]]:
    text = edit('"Mixture of Experts"', '"Mélange d\'experts"').encode("latin-1")
    return write(workdir, text), ("UTF-8",)


def _unreadable(workdir: Path, monkeypatch) -> tuple[Path, tuple[str, ...]]:
    if os.geteuid() == 0:
        pytest.skip("root can read a file whatever its mode")
    path = write(workdir, GOOD)
    path.chmod(0)
    return path, ("cannot read", "ermission denied")


def _unreadable_simulated(workdir: Path, monkeypatch) -> tuple[Path, tuple[str, ...]]:
    """The failure chmod 000 gives, also when running as root: open() refuses."""
    import effcast.prior._loading as schema

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    path = write(workdir, GOOD)
    # Shadows the builtin inside effcast.prior._loading only; undone after the test.
    monkeypatch.setattr(schema, "open", refuse, raising=False)
    return path, ("cannot read", "Permission denied")


FILE_CASES = {
    "missing file": _missing,
    "directory": _directory,
    "not UTF-8": _not_utf8,
    "unreadable (chmod 000)": _unreadable,
    "unreadable (open refused)": _unreadable_simulated,
}


@pytest.mark.parametrize("name", FILE_CASES)
def test_bad_file(workdir, monkeypatch, name):
    path, words = FILE_CASES[name](workdir, monkeypatch)
    err = api_error(path)
    assert str(err).startswith(f"{path}: ")
    assert err.source == str(path)
    for word in words:
        assert word in str(err)
    stderr = cli_fails(workdir, ["sample", str(path), *ARGS])
    assert stderr == f"effcast: error: {err}\n"


# --------------------------------------------------------------------------
# Sample counts and seeds
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "option, value, words",
    [
        ("-n", "0", ("must be at least 1", "got 0")),
        ("-n", "-5", ("'-5'", "whole number")),
        ("-n", "abc", ("'abc'", "whole number")),
        ("-n", "1.5", ("'1.5'", "whole number")),
        ("-n", "1e-3", ("'1e-3'", "whole number")),
        ("-n", "1e400", ("'1e400'", "too large")),
        ("--seed", "-1", ("non-negative", "-1")),
        ("--seed", "x", ("'x'", "non-negative integer")),
        ("--seed", "1.5", ("'1.5'", "non-negative integer")),
        ("--threads", "0", ("0",)),
    ],
)
def test_bad_option_cli(workdir, option, value, words):
    args = ["sample", str(GOOD_PATH), *ARGS]
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    stderr = cli_fails(workdir, args)
    names = {
        "-n": "'-n' / '--samples'",
        "--seed": "'--seed'",
        "--threads": "'--threads'",
    }
    assert f"Error: Invalid value for {names[option]}: " in stderr
    for word in words:
        assert word in stderr.splitlines()[-1]


@pytest.fixture(scope="module")
def model():
    return effcast.load(GOOD_PATH)


@pytest.mark.parametrize(
    "n, kwargs, field, words",
    [
        (0, {}, "samples", ("at least 1", "got 0")),
        (-5, {}, "samples", ("at least 1", "-5")),
        (1.5, {}, "samples", ("whole number", "1.5")),
        ("1000", {}, "samples", ("whole number", "'1000'")),
        (True, {}, "samples", ("whole number", "True")),
        (10, {"seed": -1}, "seed", ("non-negative", "-1")),
        (10, {"seed": "abc"}, "seed", ("integer", "str")),
        (10, {"seed": 1.5}, "seed", ("integer", "float")),
        (10, {"seed": True}, "seed", ("non-negative integer", "True")),
        (10, {"threads": 0}, "threads", ("at least 1", "0")),
    ],
)
def test_bad_sample_call(model, n, kwargs, field, words):
    with pytest.raises(effcast.EffcastError) as info:
        model.sample(n, **kwargs)
    err = info.value
    assert err.field == field
    for word in words:
        assert word in str(err)
