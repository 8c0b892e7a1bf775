"""Findings: problems in the records, as values (发现的问题).

A finding has a stable kebab-case ``code``, a severity, the file and line it points at, and a message in
Chinese. Checks return findings; only the CLI formats them and picks the exit code. Every code the
system can emit is registered in ``CODES`` with its Chinese title, so the reference page of the site
and the tests can list them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: Severity
    title: str


def _codes(*rows: tuple[str, Severity, str]) -> dict[str, Code]:
    return {c: Code(c, s, t) for c, s, t in rows}


CODES: dict[str, Code] = _codes(
    # files and YAML
    ("yaml-syntax", "error", "YAML 语法错误"),
    ("duplicate-key", "error", "重复的键"),
    ("yaml-alias", "error", "不允许使用 YAML 锚点或别名"),
    ("not-utf8", "error", "文件不是 UTF-8 编码"),
    ("file-too-large", "error", "文件超过 1 MiB"),
    # schema
    ("unknown-field", "error", "未知字段"),
    ("missing-field", "error", "缺少必填字段"),
    ("invalid-value", "error", "字段取值无效"),
    # identity and references
    ("id-mismatch", "error", "文件名或目录与记录不符"),
    ("duplicate-id", "error", "编号重复"),
    ("unknown-unit", "error", "未知的承办单位"),
    ("pii-phone", "error", "未脱敏的手机号码"),
    ("pii-id-number", "error", "未脱敏的身份证号码"),
    ("pii-name", "error", "诉求人姓名未脱敏"),
    ("pii-name-text", "warning", "正文中“姓名/本人叫/联系人”后面像是诉求人的全名"),
    ("hidden-character", "error", "记录中有看不见的格式字符、双向控制字符或控制字符"),
    ("markup", "error", "单位填写的文字中含有网页标记或脚本链接"),
    ("symlink", "error", "记录目录中有符号链接"),
    ("knowledge-file", "error", "知识库目录中有 Markdown 条目和图片以外的文件"),
    # calendar
    ("provisional-calendar", "warning", "日历数据缺失，期限为临时推算"),
    ("calendar-next-year", "warning", "下一年的节假日安排尚未导入"),
    ("calendar-conflict", "warning", "节假日文件与 chinese-calendar 不一致"),
    # lifecycle
    ("event-order", "error", "事件顺序不符合办理流程"),
    ("no-dispatch", "error", "事件所属单位未被派单"),
    ("return-late", "error", "退回申请超过时限"),
    ("extension-invalid", "error", "延期申请或审核不合规"),
    ("redo-invalid", "error", "重办不合规"),
    ("event-in-future", "error", "事件时间晚于当前时间"),
    # Git history (see history.py)
    ("history-rewritten", "error", "已入库的事件被改写或删除"),
    ("late-record", "warning", "事件补录过晚"),
    ("future-event", "error", "事件时间晚于提交时间"),
    ("unit-change-late", "warning", "单位人员变动未在规定时限（history.unit_change_report_days）内上报"),
    ("shallow-history", "warning", "Git 历史不完整，无法核对"),
    ("reply-without-accept", "warning", "答复前没有接收"),
    ("reply-without-contact", "warning", "答复前没有联系诉求人"),
    # the hotline office's own timeliness (see checks/office_timeliness.py)
    ("dispatch-late", "warning", "热线办派单不及时"),
    ("review-late", "warning", "热线办审核退回、延期申请不及时"),
    ("return-not-redispatched", "warning", "同意退回后尚未重新派单（待转派）"),
    ("merge-invalid", "error", "并单不合规"),
    # attachments (see checks/attachments.py)
    ("attachment-missing", "error", "附件文件不存在"),
    ("attachment-invalid", "error", "附件类型、大小或文件名不合规"),
    # spot checks (see office/spot_check.py, records/spot_checklist.py)
    ("spotcheck-invalid", "error", "抽查清单不合规"),
    # assessment (see scoring/)
    ("scoring-event-ignored", "warning", "考核事件未计入考核"),
    # permissions and hosting (see permissions.py)
    ("permission-denied", "error", "无权修改该文件"),
    ("codeowners-stale", "error", "CODEOWNERS 文件需要更新"),
)


@dataclass(frozen=True, slots=True)
class Finding:
    path: str  # relative to the records root, with forward slashes
    line: int  # 1-based; 0 when the finding concerns the whole file
    code: str
    message: str
    severity: Severity | None = None  # None: the code's default

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered finding code {self.code!r}")
        if self.severity is None:
            object.__setattr__(self, "severity", CODES[self.code].severity)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


SEVERITY_WORDS: dict[Severity, str] = {"error": "错误", "warning": "警告"}  # as people read them (the codes stay)


def severity_word(f: Finding) -> str:
    """错误 or 警告: the finding's severity as printed for people."""
    return SEVERITY_WORDS[severity_of(f)]


def text_line(f: Finding) -> str:
    """``path:line: 错误 code message``: a finding as ``hotline check`` and the other commands print it."""
    where = f"{f.path}:{f.line}" if f.line else f.path
    return f"{where}: {severity_word(f)} {f.code} {f.message}"


def severity_of(f: Finding) -> Severity:
    """``f.severity`` as never None (``__post_init__`` fills it in; None is only the constructor's default)."""
    return f.severity or CODES[f.code].severity


def sort_key(f: Finding) -> tuple:
    return (f.path, f.line, f.code, f.message)


def count(findings: list[Finding]) -> dict[str, int]:
    out = {"error": 0, "warning": 0}
    for f in findings:
        out[severity_of(f)] += 1
    return out
