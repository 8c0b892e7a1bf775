"""Click's own messages in Chinese (命令行提示的中文): usage lines, option errors, help headings.

Click looks its texts up through ``gettext`` (``_`` and ``ngettext`` in each of its modules); ``install``
points those names at the table below, so "Invalid value for '--category'" becomes "选项 --category
的取值无效" in every command. Texts not in the table pass through unchanged.
"""

from __future__ import annotations

from types import ModuleType

from click import core, decorators, exceptions, formatting, parser, termui, types, utils

MESSAGES = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 “{command} {option}” 查看帮助。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Invalid value: {message}": "取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 “{name}”。",
    "No such option {name!r}.": "没有选项 “{name}”。",
    "No such option: {name}": "没有选项：{name}",
    "Option {name!r} does not take a value.": "选项 {name} 不带取值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 需要 {nargs} 个取值。",
    "Aborted!": "已中止。",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 之内。",
    "{value!r} is not a valid UUID.": "“{value}”不是有效的 UUID。",
    "{name} {filename!r} does not exist.": "{name} “{filename}” 不存在。",
    "{name} {filename!r} is a file.": "{name} “{filename}” 是文件，应为目录。",
    "{name} {filename!r} is a directory.": "{name} “{filename}” 是目录，应为文件。",
    "{name} {filename!r} is not readable.": "{name} “{filename}” 不可读。",
    "{name} {filename!r} is not writable.": "{name} “{filename}” 不可写。",
    "{name} {filename!r} is not executable.": "{name} “{filename}” 不可执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 “{filename}”：{message}",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "Value must be an iterable.": "取值应为列表。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "integer": "整数",
    "float": "数字",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "是否想写 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想写以下之一：{possibilities}？）",
    "Option {name!r} requires an argument.": "选项 {name} 需要一个取值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 需要 {nargs} 个取值。",
    "{value!r} is not {choice}.": "“{value}”无效，应为 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”无效，应为以下之一：{choices}。",
    "{value!r} does not match the format {format}.": "“{value}”不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "“{value}”不符合以下任一格式：{formats}。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个取值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个取值，给了 {len} 个。",
}
# words click puts into usage lines and help (not looked up through gettext)
METAVARS = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}
TYPE_NAMES = {
    "text": "文字",
    "integer": "整数",
    "float": "数字",
    "boolean": "是否",
    "integer range": "整数范围",
    "choice": "选项值",
}
_MODULES: tuple[ModuleType, ...] = (core, decorators, exceptions, formatting, parser, termui, types, utils)


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Point click's translation functions at ``MESSAGES`` (idempotent)."""
    import click

    for module in _MODULES:
        if hasattr(module, "_"):
            vars(module)["_"] = gettext
        if hasattr(module, "ngettext"):
            vars(module)["ngettext"] = ngettext
    for cls in (
        click.types.StringParamType,
        click.types.IntParamType,
        click.types.FloatParamType,
        click.types.BoolParamType,
        click.types.IntRange,
    ):
        cls.name = TYPE_NAMES.get(cls.name, cls.name)
    for command_cls in (click.Command, click.Group):
        _translate_usage(command_cls)


def _translate_usage(cls: type[core.Command]) -> None:
    original = cls.__dict__["collect_usage_pieces"]
    if getattr(original, "_hotline_zh", False):
        return

    def collect_usage_pieces(self: core.Command, ctx: core.Context) -> list[str]:
        return [METAVARS.get(p, p) for p in original(self, ctx)]

    collect_usage_pieces._hotline_zh = True  # type: ignore[attr-defined]  # mypy: no attributes on functions
    cls.collect_usage_pieces = collect_usage_pieces  # type: ignore[method-assign]  # click's, in Chinese
