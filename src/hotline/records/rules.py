"""The rules in force (规则): ``scoring/rules.yaml`` as a model.

Every limit, window, cut-off and assessment constant the system uses is read from that file; the code
holds none of them. The assessment part (考核细则, ``AssessmentRules``) is typed here so that a typo in
``rules.yaml`` is a finding with its line; it is interpreted by ``hotline.scoring``.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Annotated, Literal, TypeGuard, get_args

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator

from hotline.records.models import (
    BonusName,
    CallbackResult,
    Category,
    Day,
    HotlineSetup,
    Record,
    Role,
    UnitType,
)


def _parse_hhmm(value: object) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int):  # YAML 1.1 reads 17:30 as a base-60 integer (1050)
        return time(value // 60, value % 60)
    try:
        h, m = str(value).split(":")
        return time(int(h), int(m))
    except ValueError:
        raise ValueError(f"时刻“{value}”格式不对，应写成 HH:MM") from None


ClockTime = Annotated[time, BeforeValidator(_parse_hhmm)]
Days = Annotated[int, Field(ge=0, le=60)]


class DeadlineRules(Record):
    """办理时限: §二(三)3, §二(二)4–5, §二(三)1."""

    limits: dict[Category, Annotated[int, Field(ge=1, le=60)]]
    redo_days: Days
    return_window_days: Days
    receipt_cutoff: ClockTime
    due_soon_days: Days


class HistoryRules(Record):
    """How Git history is read against the records."""

    late_record_tolerance_days: Days = 1
    measure_on: Literal["declared", "recorded"] = "declared"
    unit_change_report_days: Days = 3
    # the day the county started keeping records here: events declared before it were entered afterwards
    # (imported, back-filled, or samples), so they are not reported as late records
    audit_from: Day | None = None


class HostSettings(Record):
    """The Git host the records live on (代码托管平台): the site links each open dispatch to its issue forms."""

    kind: Literal["github", "gitea"]
    repo_url: Annotated[
        str, Field(pattern=r"^https?://[^\s?#]+[^/\s?#]$")
    ]  # e.g. https://git.example.cn/zezhou/hotline-records
    forms_dir: str = ".github/ISSUE_TEMPLATE"


PosTag = Annotated[str, Field(pattern=r"^[a-z]{1,4}$")]  # a jieba part-of-speech tag: n, ns, vn, v, …


class ReportRules(Record):
    """月报 thresholds: 热点问题分析 (rising keywords, places) and 存在问题 (repeated delays)."""

    hot_keywords: Annotated[int, Field(ge=1, le=100)] = 10
    keyword_min_count: Annotated[int, Field(ge=1)] = 3
    place_min_orders: Annotated[int, Field(ge=2)] = 3
    examples: Annotated[int, Field(ge=1, le=20)] = 3
    repeated_delay_min: Annotated[int, Field(ge=1)] = 2
    # Keywords (热点问题, 分析研判, 重复诉求): words that say nothing about a subject are never keywords; of the
    # rest, words whose part of speech (jieba's tags, as ``jieba.posseg`` gives a dictionary word) is in
    # ``keyword_tags`` come first, and ``keyword_fill_tags`` only fill the list when those are too few.
    keyword_stopwords: list[str] = []
    keyword_tags: list[PosTag] = ["n", "ns", "nt", "nz", "nl", "ng", "vn", "an", "j", "i", "l"]
    keyword_fill_tags: list[PosTag] = ["v"]


EventType = Literal[
    "派单",
    "接收",
    "联系",
    "转办",
    "答复",
    "履责说明",
    "回访",
    "重办",
    "退回申请",
    "退回审核",
    "延期申请",
    "延期审核",
    "督办",
    "并单",
]


class OfficeRules(Record):
    """The hotline office's own work (热线管理机构自身的时效, measured, not scored) and repeated demands."""

    # dispatch on the day of receipt; received on a rest day or after ``deadlines.receipt_cutoff``: by the
    # end of the next working day
    review_days: Days = 1  # return and extension requests reviewed within this many working days
    repeat_window_days: Annotated[int, Field(ge=1, le=366)] = 30  # 重复诉求: same citizen, place, subject
    repeat_min_shared_keywords: Annotated[int, Field(ge=1, le=20)] = 2
    analysis_hot_topics: Annotated[int, Field(ge=1, le=50)] = 10  # 分析研判: keywords listed per quarter
    # the office's own published numbers (its landline): never a person's, so the privacy check keeps them
    public_numbers: list[Annotated[str, Field(pattern=r"^[0-9()+ -]{5,20}$")]] = []


Question = Literal["reply_standard", "contacted", "result_told"]  # a spot-check checklist's questions


class SpotCheckRules(Record):
    """随机抽查 (§三(三)): the default sample and which checklist answer counts against which item."""

    per_unit: Annotated[int, Field(ge=1, le=100)] = 2
    item_of: dict[Question, Annotated[int, Field(ge=1, le=16)]] = {
        "reply_standard": 12,
        "contacted": 13,
        "result_told": 13,
    }


class AttachmentRules(Record):
    """附件 (领导批示, 佐证) under ``attachments/<order id>/``: allowed kinds and size."""

    max_bytes: Annotated[int, Field(ge=1)] = 10 * 1024 * 1024
    suffixes: list[str] = Field([".pdf", ".jpg", ".jpeg", ".png"], min_length=1)


class PermissionRules(Record):
    """Who may record what (``hotline check --changed-by``): events a unit may add to its own dispatch."""

    unit_events: list[EventType] = ["接收", "联系", "转办", "答复", "履责说明", "退回申请", "延期申请"]


# --- assessment (考核, §三) ------------------------------------------------------------------------

ProfileName = Literal["consistent", "literal"]
PROFILES: tuple[ProfileName, ...] = get_args(ProfileName)


def is_profile(name: str) -> TypeGuard[ProfileName]:
    return name in PROFILES


Points = Annotated[Decimal, Field(ge=0, le=100)]
Measure = Literal["timely_receipt", "complaints", "on_time", "overdue", "satisfied"]
SETUP_FIELDS = tuple(HotlineSetup.model_fields)


def _every_profile_in(v: dict, what: str) -> dict:
    missing = [p for p in PROFILES if p not in v]
    if missing:
        raise ValueError(f"缺少读法 {'、'.join(missing)} 的{what}")
    return v


class Profile(Record):
    """一种读法: how the printed formulas are read."""

    name: str
    description: str


class Rounding(Record):
    """“计算到小数点后两位”: each item rounded to ``places`` decimals, half up (四舍五入)."""

    places: Annotated[int, Field(ge=0, le=6)] = 2
    mode: Literal["half_up", "half_even"] = "half_up"


class Denominator(Record):
    """转办总件数: which dispatches count for a unit."""

    roles: list[Role] = Field(min_length=1)
    exclude_returned: bool = True


class _Item(Record):
    number: Annotated[int, Field(ge=1, le=16)]  # not `no`: YAML 1.1 readers take that key for false
    name: str
    max: Points
    printed: str  # the notice's own words


class SetupItem(_Item):
    """Items 1–4 and 6: lost (0) unless every ``requires`` field of the unit's ``hotline`` is filled in."""

    kind: Literal["setup"]
    requires: list[str] = Field(min_length=1)

    @field_validator("requires")
    @classmethod
    def _known_fields(cls, v: list[str]) -> list[str]:
        bad = [f for f in v if f not in SETUP_FIELDS]
        if bad:
            raise ValueError(f"单位文件 hotline 下没有字段 {'、'.join(bad)}；可用：{'、'.join(SETUP_FIELDS)}")
        return v


class ChangeReportItem(_Item):
    """Item 5: each unit change committed within ``history.unit_change_report_days`` working days."""

    kind: Literal["change_report"]
    unverifiable: Literal["full", "zero"] = "full"  # points when there is no Git history to check against


class Formula(Record):
    """The formula in force for one profile: ``multiplier × rate`` (good, as_printed) or
    ``multiplier × (1 − rate)`` (bad); the result never exceeds the item's maximum."""

    multiplier: Points
    sense: Literal["good", "bad", "as_printed"]


class RateItem(_Item):
    """Items 7–11: a rate over 转办总件数, computed from the orders' derived lifecycle."""

    kind: Literal["rate"]
    measure: Measure
    numerator: str  # what is counted, in Chinese
    categories: list[Category] = []  # for measure ``complaints``
    contradiction: str | None = None  # where the printed formula contradicts the item's maximum
    formulas: dict[ProfileName, Formula]

    @field_validator("formulas")
    @classmethod
    def _every_profile(cls, v: dict) -> dict:
        return _every_profile_in(v, "公式")

    @field_validator("categories")
    @classmethod
    def _categories(cls, v: list, info: ValidationInfo) -> list:
        if info.data.get("measure") == "complaints" and not v:
            raise ValueError("投诉举报率须列出计入的诉求类别，如 [投诉, 举报]")
        return v


class DeductionItem(_Item):
    """Items 12–16: ``per`` point(s) off for each occurrence, at most ``cap`` (default: the maximum)."""

    kind: Literal["deduction"]
    per: Annotated[Decimal, Field(gt=0, le=100)]
    cap: Points | None = None
    also: Literal["reply_without_contact", "special_supervision"] | None = (
        None  # occurrences found in the orders as well
    )

    @property
    def limit(self) -> Decimal:
        return self.cap if self.cap is not None else self.max


AnyItem = SetupItem | ChangeReportItem | RateItem | DeductionItem
AssessmentItem = Annotated[AnyItem, Field(discriminator="kind")]
ItemKind = Literal["setup", "change_report", "rate", "deduction"]  # the kinds above, one per item class
ITEM_KINDS = frozenset(get_args(ItemKind))


class BonusItem(Record):
    name: BonusName
    points: Points
    printed: str


class Bonus(Record):
    """奖励加分项: points per event, in all at most ``cap``."""

    cap: Points
    items: list[BonusItem]


class Vetoes(Record):
    """否决项: any veto event in the period sets the grade to ``grade``."""

    grade: str
    kinds: list[str]


class GradeBand(Record):
    name: str
    min: Annotated[Decimal, Field(ge=0, le=110)]


class Rectification(Record):
    """§三(四) 整改: units graded one of ``grades`` in an assessment of ``period`` owe a written report
    within ``days`` working days of the notice (通报)."""

    grades: list[str]
    days: Days
    period: Literal["year", "any"] = "year"


class AssessmentRules(Record):
    """考核细则 (§三(二)): items, profiles, bonus, vetoes, grades and rectification."""

    default_profile: ProfileName
    profiles: dict[ProfileName, Profile]
    rounding: Rounding = Rounding()
    base_max: Points  # the items' maxima add up to this
    unit_types: list[UnitType] = Field(min_length=1)  # which units are assessed
    period_basis: Literal["dispatched"] = "dispatched"  # a dispatch belongs to the period of its 派单 date
    denominator: Denominator
    satisfied: list[CallbackResult] = Field(min_length=1)
    # a dispatch's 回访满意 is settled this many working days after its (final) reply — after its deadline
    # when there is none — even without a callback; it then counts as not satisfied (lifecycle.settlement)
    callback_wait_days: Days = 5
    # a unit with no dispatches in the period, on each rate item: ``best`` the most the formula in force
    # can give (the maximum under ``consistent``; 10 for item 9 under ``literal``), ``full`` the item's
    # maximum, ``zero`` nothing
    no_orders: Literal["best", "full", "zero"] = "best"
    no_orders_note: str = "无转办工单"
    grades: list[GradeBand] = Field(min_length=1)
    items: list[AssessmentItem]
    bonus: Bonus
    vetoes: Vetoes
    rectification: Rectification

    @field_validator("profiles")
    @classmethod
    def _all_profiles(cls, v: dict) -> dict:
        return _every_profile_in(v, "说明")

    @field_validator("items")
    @classmethod
    def _items_complete(cls, v: list, info: ValidationInfo) -> list:
        numbers = sorted(i.number for i in v)
        if numbers != list(range(1, 17)):
            dup = sorted({n for n in numbers if numbers.count(n) > 1})
            missing = sorted(set(range(1, 17)) - set(numbers))
            what = (
                (f"重复的序号 {dup}" if dup else "")
                + ("；" if dup and missing else "")
                + (f"缺少序号 {missing}" if missing else "")
            )
            raise ValueError(f"考核项目应为第 1–16 项各一条：{what}")
        total = sum((i.max for i in v), Decimal(0))
        base_max = info.data.get("base_max")
        if base_max is not None and total != base_max:
            raise ValueError(f"各项满分合计 {total}，与 base_max {base_max} 不符")
        for i in v:
            if isinstance(i, DeductionItem) and i.cap is not None and i.cap > i.max:
                raise ValueError(f"第 {i.number} 项的扣分上限 {i.cap} 超过该项满分 {i.max}")
        return sorted(v, key=lambda i: i.number)

    @field_validator("grades")
    @classmethod
    def _bands(cls, v: list) -> list:
        mins = [b.min for b in v]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("等次应按分数线从高到低排列，分数线各不相同")
        if mins[-1] != 0:
            raise ValueError("最低一档等次的分数线应为 0，使每个总分都有等次")
        return v

    @field_validator("vetoes")
    @classmethod
    def _veto_grade(cls, v: Vetoes, info: ValidationInfo) -> Vetoes:
        names = [b.name for b in info.data.get("grades") or []]
        if names and v.grade not in names:
            raise ValueError(f"否决后的等次“{v.grade}”不在 grades 中")
        return v

    @field_validator("rectification")
    @classmethod
    def _rectification_grades(cls, v: Rectification, info: ValidationInfo) -> Rectification:
        names = [b.name for b in info.data.get("grades") or []]
        bad = [g for g in v.grades if names and g not in names]
        if bad:
            raise ValueError(f"整改等次 {'、'.join(bad)} 不在 grades 中")
        return v

    def item(self, no: int) -> SetupItem | ChangeReportItem | RateItem | DeductionItem:
        return self.items[no - 1]

    def bonus_points(self, name: str) -> Decimal | None:
        return next((b.points for b in self.bonus.items if b.name == name), None)


class GitIdentity(Record):
    """提交身份: who the tools commit as when the machine has no Git identity of its own (a CI runner):
    ``order add --commit``, ``archive``, intake, month-end and import. Use the host's bot account, so that
    the audit trail maps the commits to it (``login@…``)."""

    name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\n<>]+$")]
    email: Annotated[str, Field(min_length=3, max_length=200, pattern=r"^[^\s<>@]+@[^\s<>@]+$")]


EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
ChatKind = Literal["wecom", "dingtalk", "feishu"]
ReminderKind = Literal["due_soon", "overdue"]  # the reminder kinds of ``lifecycle.status``


class ChatChannel(Record):
    """群消息督办提醒 (``hotline overdue notify``): one group robot of 企业微信 (or 政务微信), 钉钉 or 飞书.

    The webhook URL (a secret: whoever has it can post to the group) and the signing secret are never in the
    repository: ``webhook_env`` and ``secret_env`` name the environment variables that hold them (the host's
    secrets, passed by the overdue workflow). ``units``: unit ids or names, or ``all``. ``send``: which
    reminders the group gets; ``min_days_late``: an overdue dispatch is listed here only from that many working
    days past its deadline (an office group for escalation, 电话督办 after 系统督办: ``send: [overdue]``,
    ``min_days_late: 2``). ``mention``: @ the units' handlers by the mobile in their unit file (企业微信 and
    钉钉; 飞书's custom robots can @ only by account id). ``keyword``: the robot's custom keyword, put into
    every message (the default heading already carries 督办提醒)."""

    name: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[^\n\r<>]+$")]
    kind: ChatKind
    webhook_env: EnvName
    secret_env: EnvName | None = None
    units: Literal["all"] | Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
    send: list[ReminderKind] = Field(["due_soon", "overdue"], min_length=1)
    min_days_late: Days = 0
    mention: bool = True
    keyword: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[^\n\r<>]+$")] | None = None

    @field_validator("secret_env")
    @classmethod
    def _signing(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None and info.data.get("kind") == "wecom":
            raise ValueError("企业微信群机器人没有加签，不要填写 secret_env（webhook 地址本身就是密钥）")
        return v


class MonthEndRules(Record):
    """月末处理 (``hotline month-end``): the previous month is sealed once final, or at the latest on the
    ``seal_after_workdays``-th working day of the next month."""

    seal_after_workdays: Annotated[int, Field(ge=1, le=23)] = 10


class Rules(Record):
    version: Literal[1]
    source: str
    deadlines: DeadlineRules
    history: HistoryRules = HistoryRules()
    reports: ReportRules = ReportRules()
    permissions: PermissionRules = PermissionRules()
    month_end: MonthEndRules = MonthEndRules()
    git: GitIdentity | None = None
    office: OfficeRules = OfficeRules()
    spot_checks: SpotCheckRules = SpotCheckRules()
    attachments: AttachmentRules = AttachmentRules()
    assessment: AssessmentRules | None = None
    host: HostSettings | None = None
    # the internal site's address (内部网站地址), e.g. https://rexian.zezhou.example/hotline: the group
    # reminders link each order to its page there; without it they carry no links
    site_url: Annotated[str, Field(pattern=r"^https?://[^\s?#<>]+[^/\s?#<>]$")] | None = None
    chat: list[ChatChannel] = []

    @field_validator("chat")
    @classmethod
    def _distinct_names(cls, v: list[ChatChannel]) -> list[ChatChannel]:
        names = [c.name for c in v]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"群消息提醒的名称重复：{'、'.join(dup)}（每个群一个名称，发送记录按名称保存）")
        return v
