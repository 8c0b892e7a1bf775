"""The README documents the command line (as sqlite-utils' ``tests/test_docs.py`` does): every command and every
option ``--help`` shows is in the README, and every ``--flag`` the README gives a ``hotline`` command exists."""

from __future__ import annotations

import re

import click
import pytest
from conftest import REPO

from hotline.cli import main

README = (REPO / "README.md").read_text(encoding="utf-8")
# options every command of a kind shares (``cli.common``): documented once, at the head of the README's 命令
SHARED = ("--root", "--as-of", "--no-cache", "--host", "--api-url", "--repo", "--token-env")


def _commands() -> dict[tuple[str, ...], click.Command]:
    """Every command and subcommand by its path (``()``: ``hotline`` itself)."""
    out: dict[tuple[str, ...], click.Command] = {}

    def walk(cmd: click.Command, path: tuple[str, ...], ctx: click.Context) -> None:
        out[path] = cmd
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None
                walk(sub, (*path, name), click.Context(sub, parent=ctx, info_name=name))

    walk(main, (), click.Context(main, info_name="hotline"))
    return out


COMMANDS = _commands()


def _options(cmd: click.Command) -> list[list[str]]:
    """The long names of each option ``--help`` shows (``--format``; ``--open``/``--no-open`` together)."""
    return [
        [o for o in p.opts + p.secondary_opts if o.startswith("--")]
        for p in cmd.params
        if isinstance(p, click.Option) and not p.hidden and p.name != "help"
    ]


def _name(path: tuple[str, ...]) -> str:
    return " ".join(("hotline", *path))


def _mentions(path: tuple[str, ...], text: str = README) -> str:
    """The README's lines that name the command (a table row is one line)."""
    at = re.compile(re.escape(_name(path)) + r"(?![\w-])")
    return "\n".join(line for line in text.splitlines() if at.search(line))


def _commands_intro(text: str = README) -> str:
    section = text[text.index("\n## 命令\n") :]
    return section[: section.index("\n| 命令 |")]


def test_the_command_line_has_commands_and_options_to_check():
    assert len(COMMANDS) > 30 and sum(len(_options(c)) for c in COMMANDS.values()) > 100


@pytest.mark.parametrize("path", [p for p in COMMANDS if p], ids=_name)
def test_every_command_is_in_the_readme(path):
    assert _mentions(path), f"README 没有提到 {_name(path)}"


def test_the_shared_options_are_explained_once_at_the_head_of_the_commands():
    intro = _commands_intro()
    assert [o for o in SHARED if o not in intro] == []
    used = {o for cmd in COMMANDS.values() for names in _options(cmd) for o in names}
    assert set(SHARED) <= used  # (no stale entry)


@pytest.mark.parametrize("path", list(COMMANDS), ids=_name)
def test_every_option_is_in_the_readme_beside_its_command(path):
    """Each option is named on a README line that names the command (``hotline --version`` anywhere), unless it
    is one of the shared options."""
    about = _mentions(path) if path else README
    missing = [names for names in _options(COMMANDS[path]) if not set(names) & set(SHARED) and not any(
        re.search(re.escape(o) + r"(?![\w-])", about) for o in names
    )]  # fmt: skip
    assert missing == [], f"README 中 {_name(path)} 的说明没有提到 {missing}"


def _readme_flags(text: str) -> list[tuple[tuple[str, ...], str, str]]:
    """(command path, flag, where) for each ``--flag`` the README gives a ``hotline`` command: in inline code and
    in the lines of code blocks, after the longest command path the words name."""
    spans = re.findall(r"`([^`\n]*\bhotline [^`\n]*)`", text)
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        spans += [line for line in block.splitlines() if re.search(r"(^|\s|/)hotline ", line)]
    found = []
    for span in spans:
        for part in re.split(r"(?<![\w/-])(?=hotline )", span):
            m = re.match(r"hotline((?: [a-z][a-z-]*)*)(.*)", part)
            if m is None:
                continue
            words, path = m.group(1).split(), ()
            for w in words:
                if (*path, w) not in COMMANDS:
                    break
                path = (*path, w)
            for flag in re.findall(r"(?<![\w-])--[a-z][a-z-]*", " ".join(words[len(path) :]) + m.group(2)):
                found.append((path, flag, span))
    return found


def test_every_flag_the_readme_names_exists():
    found = _readme_flags(README)
    assert len(found) > 50
    unknown = [
        (_name(path), flag, where)
        for path, flag, where in found
        if flag != "--help" and not any(flag in names for names in _options(COMMANDS[path]))
    ]
    assert unknown == []


def test_a_flag_a_command_does_not_have_is_found():
    """The reading above sees a wrong flag in a table cell, in prose code and in a code block."""
    text = "| `hotline check --stric` | … |\n`hotline overdue sync --dryrun`\n```sh\nhotline site build --outt x\n```\n"
    flags = {(path, flag) for path, flag, _ in _readme_flags(text)}
    assert flags == {(("check",), "--stric"), (("overdue", "sync"), "--dryrun"), (("site", "build"), "--outt")}
