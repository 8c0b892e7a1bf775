"""``hotline site build`` and ``hotline site serve``: the internal site (内部网站)."""

from __future__ import annotations

import contextlib
import functools
import http.server
from pathlib import Path

import click

from hotline.cli.common import as_of_option, fail, no_cache_option, resolve_as_of, root_option, uncached
from hotline.site.build import BuildResult, SiteBuildError, build_site


@click.group("site")
def command() -> None:
    """内部网站：生成与本机预览。"""


@command.command("build")
@root_option
@as_of_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="网站输出目录（默认：记录目录下的 site/）",
)
@click.option("--quiet", "-q", is_flag=True, help="不显示进度")
@no_cache_option
@click.option(
    "--summary",
    "summary_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="另把各阶段用时以 Markdown 表格追加到此文件（工作流的 $GITHUB_STEP_SUMMARY）",
)
def build(root, as_of, out, quiet, no_cache, summary_file):
    """生成网站：页面、月报 Word 文件、登记表 Excel 文件和工单数据，再运行 mkdocs build --strict。"""
    say = (lambda msg: None) if quiet else (lambda msg: click.echo(msg, err=True))
    try:
        with uncached(no_cache):
            result = build_site(root, out=out, as_of=resolve_as_of(as_of), progress=say)
    except SiteBuildError as e:
        fail(str(e))
        return
    errors = sum(f.severity == "error" for f in result.findings)
    if errors:
        click.echo(f"注意：记录中有 {errors} 个错误（运行 hotline check 查看）；有问题的文件未计入网站。", err=True)
    if summary_file is not None:
        with open(summary_file, "a", encoding="utf-8") as f:
            f.write(_phases(result))
    click.echo(f"网站已生成：{result.out}")
    click.echo(f"本机预览：hotline site serve --dir {result.out}（然后在浏览器打开 http://127.0.0.1:8000/）")


def _phases(result: BuildResult) -> str:
    rows = "".join(
        f"| {name} | {seconds:.1f} | {'—' if peak is None else f'{peak:.0f}'} |\n"
        for name, seconds, peak in result.phases
    )
    total = sum(s for _, s, _ in result.phases)
    how = "全部页面重新渲染" if result.rendered is None else f"只重新渲染改动的 {result.rendered} 个文件"
    head = "| 阶段 | 秒 | 至此峰值内存（MiB） |\n|---|---|---|\n"
    return f"### hotline site build：{total:.1f} 秒（{how}）\n\n{head}{rows}\n"


@command.command("serve")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="已生成的网站目录",
)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--bind", default="127.0.0.1", show_default=True, help="监听地址（默认只允许本机访问）")
def serve(directory, port, bind):
    """在本机预览已生成的网站（静态文件服务，不重新生成）。"""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    with http.server.ThreadingHTTPServer((bind, port), handler) as httpd:
        click.echo(f"正在提供 {directory}：http://{bind}:{port}/（按 Ctrl+C 停止）")
        with contextlib.suppress(KeyboardInterrupt):
            httpd.serve_forever()
