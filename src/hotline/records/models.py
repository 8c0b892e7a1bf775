"""The record formats, version 1 (记录格式): work orders, units, holiday files, assessment events.

These pydantic models *are* the record format (README 记录格式, ``schemas/``) in code: unknown keys are refused (``extra='forbid'``), times
are Beijing local time, and each model knows the file and line it came from (private attributes set
by the loader). ``hotline schema`` exports them as JSON Schemas for editors.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, ClassVar, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from hotline.records.numerals import has_digit
from hotline.times import format_date, format_time, parse_date, parse_time

Category = Literal["咨询", "建议", "求助", "投诉", "举报"]
Role = Literal["主办", "会办"]
CallbackResult = Literal["满意", "基本满意", "不满意"]
UnitType = Literal["乡镇", "县直单位", "热线管理机构"]

BeijingTime = Annotated[
    datetime,
    BeforeValidator(parse_time),
    PlainSerializer(format_time, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(\s*(Z|[+-]\d{2}:?\d{2}))?$",
            "description": "北京时间 YYYY-MM-DD HH:MM",
        }
    ),
]
Day = Annotated[
    date,
    BeforeValidator(parse_date),
    PlainSerializer(format_date, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "日期 YYYY-MM-DD"}),
]
OrderId = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]+$", min_length=1, max_length=64)]
UnitId = Annotated[str, Field(pattern=r"^[a-z0-9-]+$", min_length=1, max_length=64)]
Text = Annotated[str, Field(min_length=1)]

ACCOUNT = re.compile(r"^@?[A-Za-z0-9][A-Za-z0-9._-]{0,38}$")


def _staff_name(value: str) -> str:
    if has_digit(value) or "@" in value or len(value) > 30 or "<" in value:
        raise ValueError("应为经办人员的姓名（如 王丽、县热线办），不能是电话号码、编号或其他数字")
    return value


def _account(value: str) -> str:
    if not ACCOUNT.match(value):
        raise ValueError("不是代码托管平台的账号名：只能用字母、数字和 . _ -，以字母或数字开头，最长 39 个字符")
    return value


def _masked_name(value: str) -> str:
    if not re.match(r"^[^\s*0-9]\*{1,3}$", value):
        raise ValueError("诉求人姓名只能记录脱敏形式：姓氏加 *（如 张**）")
    return value


StaffName = Annotated[
    str, Field(min_length=1, json_schema_extra={"pattern": r"^[^0-9０-９@<]{1,30}$"}), AfterValidator(_staff_name)
]
Account = Annotated[str, Field(json_schema_extra={"pattern": ACCOUNT.pattern}), AfterValidator(_account)]
MaskedName = Annotated[str, Field(json_schema_extra={"pattern": r"^[^\s*0-9]\*{1,3}$"}), AfterValidator(_masked_name)]
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def _mobile(value: str) -> str:
    if not MOBILE.match(value):
        raise ValueError("应为 11 位手机号码（如 13912345678），不加空格、横线或 +86")
    return value


# a staff member's mobile (承办人员手机号): only for @-mentions in the group reminders (``overdue notify``)
StaffMobile = Annotated[str, Field(json_schema_extra={"pattern": MOBILE.pattern}), AfterValidator(_mobile)]


class Record(BaseModel):
    """A record or part of one; ``path`` and ``line`` say where it was read (set by the loader).

    They are plain instance attributes, not pydantic fields or private attributes: never validated
    from input, never serialised, and cheap to read for the hundreds of thousands of events.
    """

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=False)
    path: ClassVar[str] = ""
    line: ClassVar[int] = 0

    def locate(self, path: str, line: int) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "line", line)


# --- work order events (工单事件) ---------------------------------------------------------------


AttachmentName = Annotated[str, Field(pattern=r"^[^/\\\x00-\x1f]+$", min_length=1, max_length=120)]


class _Event(Record):
    at: BeijingTime
    by: StaffName
    note: str | None = None
    attachments: list[AttachmentName] = Field(
        [], description="附件（领导批示、佐证）：attachments/<工单编号>/ 下的文件名，PDF 或图片"
    )


class _UnitEvent(_Event):
    unit: UnitId


class Dispatch(_UnitEvent):
    """派单: dispatch to a unit; starts its deadline."""

    type: Literal["派单"]
    role: Role


class Accept(_UnitEvent):
    """接收: the unit accepts the order and enters it in its ledger (台账登记)."""

    type: Literal["接收"]
    office: str | None = None


class Contact(_UnitEvent):
    """联系: the unit contacted the citizen (首问负责)."""

    type: Literal["联系"]


class Handover(_UnitEvent):
    """转办: handed to an internal office (科室)."""

    type: Literal["转办"]
    office: Text


class Reply(_UnitEvent):
    """答复: the unit's reply; its handling is complete."""

    type: Literal["答复"]
    text: Text


class DutyStatement(_UnitEvent):
    """履责说明: written explanation where it cannot be done; counts as a reply."""

    type: Literal["履责说明"]
    text: Text


class Callback(_Event):
    """回访: the callback evaluation of the order (by the city centre, recorded by the hotline office)."""

    type: Literal["回访"]
    result: CallbackResult


class Redo(_UnitEvent):
    """重办: sent back once after the first 不满意; 5 working days from here."""

    type: Literal["重办"]


class ReturnRequest(_UnitEvent):
    """退回申请: return request, within 2 working days of the dispatch."""

    type: Literal["退回申请"]
    reason: Text
    basis: Text


class ReturnReview(_UnitEvent):
    """退回审核: the hotline office's decision on a return request."""

    type: Literal["退回审核"]
    approved: bool


class ExtensionRequest(_UnitEvent):
    """延期申请: before the deadline; days at most the category's own limit; never for emergencies."""

    type: Literal["延期申请"]
    days: Annotated[int, Field(ge=1)]
    reason: Text
    basis: Text


class ExtensionReview(_UnitEvent):
    """延期审核: the hotline office's decision; approved days at most the requested days."""

    type: Literal["延期审核"]
    approved: bool
    days: Annotated[int, Field(ge=1)] | None = None


class Supervision(_UnitEvent):
    """督办: supervision by the system, by telephone, by a leader's instruction (批示), or a provincial or
    city hotline's special supervision (专项, with ``level`` 省/市: assessment item 16)."""

    type: Literal["督办"]
    kind: Literal["系统", "电话", "批示", "专项"]
    level: Literal["省", "市"] | None = Field(None, description="专项督办的级别：省 或 市")

    @model_validator(mode="after")
    def _level_with_special(self) -> Supervision:
        if self.kind == "专项" and self.level is None:
            raise ValueError("专项督办须写明级别 level：省 或 市")
        if self.kind != "专项" and self.level is not None:
            raise ValueError("只有专项督办（kind: 专项）才写级别 level")
        return self


class Merge(_Event):
    """并单: the hotline office merges a repeated demand (重复诉求) into the earlier order ``into``;
    a merged order counts once (as ``into``) in the rates."""

    type: Literal["并单"]
    into: OrderId


AnyEvent = (
    Dispatch
    | Accept
    | Contact
    | Handover
    | Reply
    | DutyStatement
    | Callback
    | Redo
    | ReturnRequest
    | ReturnReview
    | ExtensionRequest
    | ExtensionReview
    | Supervision
    | Merge
)
Event = Annotated[AnyEvent, Field(discriminator="type")]
# type value → model class, read from the union above.
EVENT_TYPES: dict[str, type[AnyEvent]] = {
    get_args(cls.model_fields["type"].annotation)[0]: cls for cls in get_args(AnyEvent)
}
REPLY_TYPES = ("答复", "履责说明")


# Typed accessors for fields that only some members of the Event union have (the type checker then
# knows which members carry them, instead of each caller reaching for getattr).
def unit_of(ev: _Event) -> str | None:
    """The unit the event concerns; None for 回访 and 并单, which concern the whole order."""
    return ev.unit if isinstance(ev, _UnitEvent) else None


class Citizen(Record):
    """诉求人, masked only: 张**, 138****1234."""

    name: MaskedName | None = None
    phone: str | None = None


class Order(Record):
    """工单: one work order from the city 12345 platform, ``orders/YYYY/MM/<id>.yaml``."""

    id: OrderId
    title: Text
    category: Category
    emergency: bool = False
    received_at: BeijingTime
    citizen: Citizen | None = None
    address: str | None = None
    content: Text
    tags: list[str] = []
    sample: bool = Field(False, description="示例数据（非真实诉求）")
    events: list[Event] = []


# --- units (承办单位) -------------------------------------------------------------------------


class Leader(Record):
    name: Text
    title: str | None = None


class Handler(Record):
    """具体承办人员: ``mobile`` (optional) is used only to @ them in the group reminders, never shown."""

    name: Text
    phone: str | None = None
    mobile: StaffMobile | None = Field(None, description="手机号：群消息督办提醒中 @ 本人（企业微信、钉钉）")


class HotlineSetup(Record):
    """Assessment items 1–4 and 6: what the unit has in place for hotline work. Each field's description is its
    name as the assessment says it (``setup_field_name``)."""

    office: str | None = Field(None, description="热线工作办理机构")
    leader: Leader | None = Field(None, description="分管领导")
    handlers: list[Handler] = Field([], description="具体承办人员")
    network: str | None = Field(None, description="办理工作网络")
    equipment: bool | None = Field(None, description="设施设备和接入网络")
    time_limit_rule: str | None = Field(None, description="限时办结制度")


def setup_field_name(name: str) -> str:
    """热线工作办理机构 for ``office``: a field of ``hotline`` in a unit file as people say it."""
    field = HotlineSetup.model_fields.get(name)
    return field.description if field is not None and field.description else name


class UnitChange(Record):
    effective: Day
    note: Text


class Unit(Record):
    """承办单位 (or the hotline office itself), ``units/<id>.yaml``."""

    id: UnitId
    name: Text
    short_name: str | None = Field(None, description="简称")
    type: UnitType
    hotline: HotlineSetup = HotlineSetup()
    changes: list[UnitChange] = []
    maintainers: list[Account] = []


# --- calendar and assessment data (日历与考核) -----------------------------------------------------


HOLIDAY_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")  # 全国年节及纪念日放假办法 第二条


class HolidayDay(Record):
    """One day of a year file: the date and, as the notice names it, the holiday it belongs to."""

    date: Day
    name: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[^\n<>]+$")] | None = None


def _holiday_day(value: object) -> object:
    return value if isinstance(value, dict | HolidayDay) else {"date": value}


HolidayItem = Annotated[
    HolidayDay,
    BeforeValidator(_holiday_day),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "日期 YYYY-MM-DD"},
                {
                    "type": "object",
                    "properties": {
                        "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "description": "日期 YYYY-MM-DD"},
                        "name": {"type": "string", "description": "节日名称，如 春节"},
                    },
                    "required": ["date"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


class HolidayYear(Record):
    """``scoring/holidays/YYYY.yaml``: a year's calendar as the State Council's notice sets it (it wins over
    ``chinese-calendar``). ``holidays``: the days off (days off on a weekend change nothing); ``workdays``:
    the make-up working days on a weekend; each a date, or ``{date: …, name: 春节}``. Besides its own
    year's days, the file may name days of the December before (元旦 sometimes starts there)."""

    source: Text
    holidays: list[HolidayItem] = []
    workdays: list[HolidayItem] = []

    @property
    def holiday_dates(self) -> list[date]:
        return [h.date for h in self.holidays]

    @property
    def workday_dates(self) -> list[date]:
        return [w.date for w in self.workdays]


BonusName = Literal["国家级媒体表扬", "省级媒体表扬", "市级媒体表扬", "省领导批示肯定", "市领导批示肯定"]
VETO = "否决"
RECTIFICATION_ITEMS = ("整改通知", "整改报告")  # §三(四): the notice of a 一般/较差 grade, and the unit's report
PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$|^\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$"


class ScoringEvent(Record):
    """A manual assessment finding, bonus or veto (``scoring/events/YYYY/*.yaml``).

    Rectification (整改): ``item: 整改通知`` records the date the unit was notified of a 一般/较差 grade,
    ``item: 整改报告`` the date its written report arrived; both name the assessment ``period`` (e.g. 2026).
    """

    date: Day
    unit: UnitId
    item: (
        Annotated[int, Field(ge=1, le=16)]
        | Literal[
            "国家级媒体表扬",
            "省级媒体表扬",
            "市级媒体表扬",
            "省领导批示肯定",
            "市领导批示肯定",
            "否决",
            "整改通知",
            "整改报告",
        ]
    )
    count: Annotated[int, Field(ge=1)] = 1
    note: Text
    evidence: str | None = None
    period: Annotated[str, Field(pattern=PERIOD_PATTERN)] | None = Field(
        None, description="整改通知、整改报告所针对的考核期，如 2026"
    )

    @model_validator(mode="after")
    def _period_for_rectification(self) -> ScoringEvent:
        if self.item in RECTIFICATION_ITEMS and self.period is None:
            raise ValueError(f"{self.item}须写明所针对的考核期 period，如 period: 2026")
        return self


# --- spot checks (随机抽查, §三(三)) -------------------------------------------------------------------


YES_NO_WORDS = {"是": True, "否": False, "true": True, "false": False, "yes": True, "no": False}


def _yes_no(value: object) -> object:
    """是/否 (and true/false, yes/no) as written in a checklist → True/False; empty → None."""
    if isinstance(value, str):
        word = value.strip().lower()
        if not word:
            return None
        if word in YES_NO_WORDS:
            return YES_NO_WORDS[word]
        raise ValueError(f"应填 是 或 否（也可写 true 或 false），不是“{value.strip()[:20]}”")
    return value


YesNo = Annotated[
    bool | None,
    BeforeValidator(_yes_no),
    WithJsonSchema(
        {"anyOf": [{"type": "boolean"}, {"enum": ["是", "否"]}, {"type": "null"}], "description": "是 或 否"}
    ),
]


class SpotCheckEntry(Record):
    """One drawn order of a checklist, as the office fills it in: each question 是 (true), 否 (false) or empty
    (not checked yet). ``unit``: the unit's name (or id, as ``records.unit_names`` resolves it)."""

    unit: Text
    id: OrderId
    reply_standard: YesNo = Field(None, description="答复符合工单规范要求（第 12 项）")
    contacted: YesNo = Field(None, description="已联系诉求人（第 13 项）")
    result_told: YesNo = Field(None, description="已将处理结果告知诉求人（第 13 项）")
    note: str | None = None


class SpotCheckList(Record):
    """``scoring/spotchecks/YYYY-MM.yaml``: a reproducible sample of replied orders (``hotline spot-check
    draw``) and the office's findings; ``hotline spot-check record`` turns them into assessment events."""

    period: Annotated[str, Field(pattern=PERIOD_PATTERN)]
    seed: int
    per_unit: Annotated[int, Field(ge=1)]
    checked_on: Day | None = Field(None, description="抽查日期（考核事件记在所抽查的考核期的最后一天，不论哪天抽查）")
    by: str | None = Field(None, description="抽查人")
    checks: list[SpotCheckEntry] = []
