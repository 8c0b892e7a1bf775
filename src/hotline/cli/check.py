"""``hotline check``: every finding, as text, JSON or workflow annotations."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hotline.checks.suite import history_check
from hotline.cli.common import as_of_option, echo, echo_json, fail, resolve_as_of, root_option
from hotline.findings import Finding, count, severity_word, sort_key, text_line
from hotline.git.changes import GitError
from hotline.host.permissions import permission_findings
from hotline.load import run_check


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


def _md(value: str) -> str:
    """Text for a Markdown table cell: never markup (a record's text is untrusted)."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", " ").replace("\n", " ")
    for ch in "\\`*_[]()#|!~":
        value = value.replace(ch, "\\" + ch)
    return value


def _summary(findings: list[Finding], counts: dict) -> str:
    """The findings as a Markdown section for the job summary (Gitea shows no annotations)."""
    if not findings:
        return "### hotline check：检查通过\n\n没有发现问题。\n"
    lines = [
        f"### hotline check：{counts['error']} 个错误，{counts['warning']} 个警告",
        "",
        "| 文件 | 行 | 严重程度 | 代码 | 说明 |",
        "|---|---|---|---|---|",
    ]
    for f in findings:
        lines.append(f"| {_md(f.path)} | {f.line or ''} | {severity_word(f)} | {_md(f.code)} | {_md(f.message)} |")
    return "\n".join(lines) + "\n"


def _relative(root: Path, p: Path) -> str:
    try:
        return p.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


@click.command("check")
@root_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="警告也视为错误（如临时推算的期限）")
@click.option("--no-cache", is_flag=True, help="不使用检查缓存，重新读取每个文件")
@click.option("--no-history", is_flag=True, help="不核对 Git 历史（补录过晚、改写已入库的事件等）")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None, help="并行读取文件的进程数（默认：CPU 核数）")
@as_of_option
@click.option(
    "--changed-by",
    metavar="账号",
    multiple=True,
    help="拉取请求的提交者和触发检查的账号（可重复）：每个账号都有权修改 --base 以来改动的文件，才算通过",
)
@click.option("--base", metavar="版本", help="拉取请求的目标分支或提交（与 --changed-by 一起使用）")
@click.option(
    "--summary",
    "summary_file",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="HOTLINE_SUMMARY",
    help="另把问题以 Markdown 表格追加到此文件（工作流的 $GITHUB_STEP_SUMMARY；Gitea 不显示行内注释）",
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def command(root, fmt, strict, no_cache, no_history, jobs, as_of, changed_by, base, summary_file, paths):
    """检查全部记录：格式、期限、办理流程、隐私和 Git 历史；可只报告指定文件（PATHS）的问题。"""
    if bool(changed_by) != (base is not None):
        raise click.UsageError("--changed-by 和 --base 需要一起使用")
    skip = [history_check] if no_history else []
    findings = run_check(root, resolve_as_of(as_of), use_cache=not no_cache, jobs=jobs, skip=skip)
    if changed_by:
        try:
            accounts = list(dict.fromkeys(a.strip() for a in changed_by if a.strip()))
            if not accounts:
                fail("--changed-by 不能为空：拉取请求的提交者未知时不能放行", 1)
            for account in accounts:  # the change passes only if every account may make it
                findings += permission_findings(root, account, base)
            findings = sorted(set(findings), key=sort_key)
        except GitError as e:
            fail(f"无法检查修改权限：{e}", 1)
    if paths:
        wanted = {_relative(root, p) for p in paths}
        findings = [f for f in findings if f.path in wanted]
    counts = count(findings)
    if summary_file is not None:
        with open(summary_file, "a", encoding="utf-8") as out:
            out.write(_summary(findings, counts))
    if fmt == "json":
        echo_json({"findings": [f.as_dict() for f in findings], "counts": counts})
    elif fmt == "github":
        for f in findings:
            echo(_github(f))  # findings are printed masked (privacy.mask_text)
    else:
        for f in findings:
            echo(text_line(f))
        if findings:
            click.echo(f"共 {counts['error']} 个错误，{counts['warning']} 个警告", err=True)
        else:
            click.echo("检查通过：没有发现问题", err=True)
    failed = counts["error"] > 0 or (strict and counts["warning"] > 0)
    sys.exit(1 if failed else 0)
