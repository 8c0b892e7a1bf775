"""``hotline check``: every finding, as text, JSON or workflow annotations."""

from __future__ import annotations

import sys

import click

from ..audit import history_check  # registers the Git history checks
from ..checker import run_check
from ..findings import Finding, count
from .common import as_of_option, echo_json, resolve_as_of, root_option


def _text(f: Finding) -> str:
    where = f"{f.path}:{f.line}" if f.line else f.path
    return f"{where}: {f.severity} {f.code} {f.message}"


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def _github(f: Finding) -> str:
    props = f"file={_escape(f.path, True)}"
    if f.line:
        props += f",line={f.line}"
    props += f",title={_escape(f.code, True)}"
    return f"::{f.severity} {props}::{_escape(f.message)}"


@click.command("check")
@root_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="警告也视为错误（如临时推算的期限）")
@click.option("--no-cache", is_flag=True, help="不使用检查缓存，重新读取每个文件")
@click.option("--no-history", is_flag=True, help="不核对 Git 历史（补录过晚、改写已入库的事件等）")
@as_of_option
def command(root, fmt, strict, no_cache, no_history, as_of):
    """检查全部记录：格式、期限、办理流程、隐私，以及 Git 历史。"""
    skip = [history_check] if no_history else []
    findings = run_check(root, resolve_as_of(as_of), use_cache=not no_cache, skip=skip)
    counts = count(findings)
    if fmt == "json":
        echo_json({"findings": [f.as_dict() for f in findings], "counts": counts})
    elif fmt == "github":
        for f in findings:
            click.echo(_github(f))
    else:
        for f in findings:
            click.echo(_text(f))
        if findings:
            click.echo(f"共 {counts['error']} 个错误，{counts['warning']} 个警告", err=True)
        else:
            click.echo("检查通过：没有发现问题", err=True)
    failed = counts["error"] > 0 or (strict and counts["warning"] > 0)
    sys.exit(1 if failed else 0)
