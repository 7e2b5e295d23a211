"""The station import's columns, and the XLSX template officers fill in and upload back.

One table (`COLUMNS`) says, per column: the field code, the Chinese and English header, whether
it is required, what to write, and for a coded column its choices with labels. The import
(`imports.py`) reads a header cell as the code, the Chinese or the English header (a trailing
`*` ignored), and a coded cell as the code or either label; the template (`template_xlsx`)
writes the headers in the request's language with the code in each header's note, an example
row (skipped by the import while its name is unchanged), drop-downs for the coded columns and a
sheet explaining the columns and the opening-hours format; the OpenAPI document shows the same
table (`columns_markdown`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from app.core.xlsx import neutralise
from app.stations.vocab import HOST_TYPES, KINDS, SERVICES, STATUSES

MAX_ROWS = 5000
SEPARATORS = "|;；,，、"  # between services in one cell

KIND_LABELS = {code: (zh, en) for (code, zh), en in zip(
    KINDS.items(), ("Outdoor worker station", "Love station", "Union post"), strict=True)}
HOST_TYPE_LABELS = dict(zip(HOST_TYPES, (
    ("工会", "Trade union"), ("银行", "Bank"), ("商场", "Shopping mall"),
    ("政务服务窗口", "Government service window"), ("交通场站", "Transport hub"),
    ("企业", "Enterprise"), ("其他", "Other")), strict=True))
SERVICE_LABELS = {code: (zh, code.replace("_", " ").capitalize())
                  for code, zh in SERVICES.items()}
COORD_LABELS = {"gcj02": ("GCJ-02（高德、腾讯地图）", "GCJ-02 (Amap, Tencent maps)"),
                "wgs84": ("WGS-84（GPS 设备）", "WGS-84 (GPS devices)"),
                "bd09": ("BD-09（百度地图）", "BD-09 (Baidu maps)")}
STATUS_LABELS = dict(zip(STATUSES, (("筹建中", "Planned"), ("运营中", "Active"),
                                    ("暂停服务", "Suspended"), ("已关闭", "Closed")), strict=True))

HOURS_HELP_ZH = (
    "开放时间的写法（按北京时间）：\n"
    "• 按星期写：周一至周五 08:00-20:00；周六、周日 09:00-17:00\n"
    "• 每天相同：每天 09:00-18:00（只写时间也表示每天，如 09:00-18:00）\n"
    "• 一天两段：周一至周五 08:00-12:00, 14:00-18:00\n"
    "• 某天休息：每天 09:00-18:00；周日 休息（后写的覆盖先写的）\n"
    "• 跨过午夜：周五 22:00-06:00（周五晚 10 点到周六早 6 点）\n"
    "• 全天开放：24小时\n"
    "• 不清楚：留空（显示为“营业时间未知”，不会显示为开放）\n"
    "星期可写 周一…周日、星期一…星期日、工作日、周末、每天；分隔用分号（；）或换行。")
HOURS_HELP_EN = (
    "How to write the opening hours (Beijing time):\n"
    "• by weekday: mon-fri 08:00-20:00; sat-sun 09:00-17:00\n"
    "• the same every day: daily 09:00-18:00 (times alone also mean every day)\n"
    "• two spans a day: mon-fri 08:00-12:00, 14:00-18:00\n"
    "• a day off: daily 09:00-18:00; sun closed (a later part overrides an earlier one)\n"
    "• past midnight: fri 22:00-06:00 (Friday 10 pm to Saturday 6 am)\n"
    "• always open: 24h\n"
    "• not known: leave it blank (shown as unknown hours, never as open)\n"
    "Days: mon … sun, weekdays, weekends, daily; separate parts with ; or a new line.")


@dataclass(frozen=True)
class Column:
    code: str
    zh: str
    en: str
    required: bool
    zh_note: str
    en_note: str
    choices: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (zh, en)
    multiple: bool = False  # several choices in one cell (services)

    def header(self, english: bool) -> str:
        return (self.en if english else self.zh) + ("*" if self.required else "")

    def label(self, english: bool) -> str:
        return self.en if english else self.zh


COLUMNS = (
    Column("name", "站点名称", "Name", True, "最多 100 字", "at most 100 characters"),
    Column("kind", "站点类型", "Kind", True, "从下拉列表选择", "pick from the list",
           KIND_LABELS),
    Column("host_type", "依托单位类型", "Host type", True, "从下拉列表选择",
           "pick from the list", HOST_TYPE_LABELS),
    Column("partner_name", "依托单位名称", "Host name", False, "如：XX 银行城关支行",
           "e.g. the bank branch's name"),
    Column("address", "地址", "Address", True, "最多 200 字", "at most 200 characters"),
    Column("lat", "纬度", "Latitude", True, "十进制度数，如 36.6171",
           "decimal degrees, e.g. 36.6171"),
    Column("lng", "经度", "Longitude", True, "十进制度数，如 101.7782",
           "decimal degrees, e.g. 101.7782"),
    Column("coord", "坐标系", "Coordinate system", False,
           "从下拉列表选择；留空即 GCJ-02（高德、腾讯地图上取的点）",
           "pick from the list; blank means GCJ-02 (points taken on Amap or Tencent maps)",
           COORD_LABELS),
    Column("services", "服务项目", "Services", False,
           "可多选，用 | 或 、 分隔，如 饮用水|热水|卫生间", "several allowed, separated by |, "
           "e.g. drinking_water|hot_water|toilet", SERVICE_LABELS, multiple=True),
    Column("opening_hours", "开放时间", "Opening hours", False,
           "见“填写说明”：如 周一至周五 08:00-20:00；留空表示未知",
           "see the instructions sheet, e.g. mon-fri 08:00-20:00; blank when unknown"),
    Column("phone", "联系电话", "Phone", False, "数字、空格、+ 或 -，5 到 20 位",
           "digits, spaces, + or -, 5 to 20 characters"),
    Column("status", "状态", "Status", False, "从下拉列表选择；留空即运营中",
           "pick from the list; blank means active", STATUS_LABELS),
)
BY_CODE = {column.code: column for column in COLUMNS}
REQUIRED = tuple(column.code for column in COLUMNS if column.required)

EXAMPLE = {"name": ("示例：城关街道户外劳动者服务站", "Example: Chengguan outdoor worker station"),
           "kind": ("outdoor_worker_station",), "host_type": ("union",),
           "address": ("城关街道人民路 1 号", "1 Renmin Road, Chengguan"),
           "lat": ("36.6171",), "lng": ("101.7782",), "coord": ("gcj02",),
           "services": (("drinking_water", "hot_water", "toilet", "phone_charging"),),
           "opening_hours": ("周一至周五 08:00-20:00；周六、周日 09:00-17:00",
                             "mon-fri 08:00-20:00; sat-sun 09:00-17:00"),
           "phone": ("0971-1234567",), "status": ("active",)}
EXAMPLE_NAMES = frozenset(EXAMPLE["name"])


def _key(text: str) -> str:
    return " ".join(text.replace("（", "(").replace("）", ")").split()).casefold()


def header_code(cell: str) -> str | None:
    """The column a header cell names (code, Chinese or English header; `*` ignored)."""
    key = _key(cell.strip().rstrip("*").replace("（必填）", "").replace("(必填)", ""))
    return HEADER_KEYS.get(key)


HEADER_KEYS = {_key(name): column.code for column in COLUMNS
               for name in (column.code, column.zh, column.en)}
# what officers also write for a coordinate system (the map they took the point on)
ALIASES = {"coord": {"gcj02": ("GCJ-02", "GCJ02", "高德", "高德地图", "腾讯", "腾讯地图",
                               "火星坐标"),
                     "wgs84": ("WGS-84", "WGS84", "GPS"),
                     "bd09": ("BD-09", "BD09", "百度", "百度地图")}}
CHOICE_KEYS = {column.code: {_key(name): code for code, labels in column.choices.items()
                             for name in (code, *labels,
                                          *ALIASES.get(column.code, {}).get(code, ()))}
               for column in COLUMNS if column.choices}


def choice_code(column: str, cell: str) -> str | None:
    """The code a coded cell means (code or label, any case), or None."""
    return CHOICE_KEYS[column].get(_key(cell))


def split_choices(cell: str) -> list[str]:
    for separator in SEPARATORS[1:]:
        cell = cell.replace(separator, SEPARATORS[0])
    return [part.strip() for part in cell.split(SEPARATORS[0]) if part.strip()]


def _example_row(english: bool) -> list:
    row = []
    for column in COLUMNS:
        values = EXAMPLE.get(column.code, ("",))
        value = values[1] if english and len(values) > 1 else values[0]
        if column.multiple:
            value = "|".join(column.choices[code][int(english)] for code in value)
        elif column.choices and value:
            value = column.choices[value][int(english)]
        elif column.code in ("lat", "lng"):
            value = float(value)
        row.append(value)
    return row


def columns_markdown() -> str:
    """The columns as a Markdown table (the OpenAPI description of the upload)."""
    lines = ["| column (code) | 表头 | header | required | what to write |",
             "| --- | --- | --- | --- | --- |"]
    for column in COLUMNS:
        choices = (" Codes: " + ", ".join(f"`{code}` {zh}" for code, (zh, _) in
                                          column.choices.items())) if column.choices else ""
        lines.append(f"| `{column.code}` | {column.zh} | {column.en} | "
                     f"{'yes' if column.required else 'no'} | {column.en_note}.{choices} |")
    return "\n".join(lines)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def template_xlsx(*, english: bool) -> bytes:
    """The import template: data sheet, instructions sheet, hidden choices sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Stations" if english else "站点"
    choices = book.create_sheet("Choices" if english else "选项")
    guide = book.create_sheet("Instructions" if english else "填写说明")
    bold, required_fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")

    sheet.append([column.header(english) for column in COLUMNS])
    sheet.append([neutralise(value) for value in _example_row(english)])
    for index, column in enumerate(COLUMNS):
        cell = sheet.cell(row=1, column=index + 1)
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        required = ("required" if english else "必填") if column.required else (
            "optional" if english else "选填")
        note = (f"field code: {column.code}\n{required}; {column.en_note}" if english
                else f"字段代码：{column.code}\n{required}；{column.zh_note}")
        cell.comment = Comment(note, "Gonghui", width=260, height=110)
        sheet.column_dimensions[_letter(index)].width = 30 if column.code in (
            "name", "address", "services", "opening_hours") else 16
        sheet.cell(row=2, column=index + 1).font = Font(italic=True, color="808080")
    sheet.freeze_panes = "A2"

    last = MAX_ROWS + 1
    for index, column in enumerate(COLUMNS):
        letter = _letter(index)
        if column.choices:
            choices.cell(row=1, column=index + 1, value=column.label(english)).font = bold
            for row, labels in enumerate(column.choices.values(), start=2):
                choices.cell(row=row, column=index + 1, value=labels[int(english)])
            end = len(column.choices) + 1
            validation = DataValidation(
                type="list", formula1=f"'{choices.title}'!${letter}$2:${letter}${end}",
                allow_blank=True, showErrorMessage=not column.multiple,
                errorTitle=column.label(english),
                error="Pick a value from the list." if english else "请从下拉列表中选择。")
        elif column.code in ("lat", "lng"):
            bound = 90 if column.code == "lat" else 180
            validation = DataValidation(
                type="decimal", operator="between", formula1=str(-bound), formula2=str(bound),
                allow_blank=True, showErrorMessage=True, errorTitle=column.label(english),
                error=(f"Decimal degrees between -{bound} and {bound}." if english
                       else f"请填写 -{bound} 到 {bound} 之间的十进制度数。"))
        else:
            continue
        validation.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(validation)
    choices.sheet_state = "hidden"

    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 18
    guide.column_dimensions["C"].width = 10
    guide.column_dimensions["D"].width = 70
    guide.append(["Column" if english else "列名", "Field code" if english else "字段代码",
                  "Required" if english else "必填", "What to write" if english else "填写说明"])
    for column in COLUMNS:
        yes, no = ("yes", "no") if english else ("是", "否")
        note = column.en_note if english else column.zh_note
        if column.choices:
            note += ("; codes: " if english else "；可填名称或代码：") + (
                ", " if english else "、").join(
                f"{labels[int(english)]} ({code})" for code, labels in column.choices.items())
        guide.append([column.label(english), column.code, yes if column.required else no,
                      note])
    guide.append([])
    guide.append(["Opening hours" if english else "开放时间", "opening_hours", "",
                  HOURS_HELP_EN if english else HOURS_HELP_ZH])
    guide.append([])
    guide.append(["Row 2" if english else "第 2 行", "", "", (
        "Row 2 is an example: the import skips it while its name is unchanged; overwrite it "
        "or delete it. Every row is checked: if one is wrong nothing is imported, and the "
        "answer lists every wrong cell by row and column." if english else
        "第 2 行是示例，名称不改时导入会跳过它，可直接改写或删除。上传后逐行检查：只要有一行有误就"
        "不导入任何数据，并按行号和列名列出所有错误。")])
    for row in guide.iter_rows(min_row=1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in guide[1]:
        cell.font = bold

    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
