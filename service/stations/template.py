"""The ledger template staff download: a header row to fill under, and how to fill it.

The example row lives on a sheet of its own, not under the header: the import reads the first
sheet only, so a template sent back with the example still in it cannot put a made-up
station on the public map. Enumerated columns offer their values as a drop-down list, and
code and phone columns are text, so Excel keeps 0371-... and leading zeros as typed.
"""

import io
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from service.core.spreadsheets import XLSX_MIME
from service.domain.stations import (
    COORD_SYSTEMS,
    FACILITIES,
    SERVICES,
    STATION_KINDS,
    STATION_STATUSES,
)
from service.stations.importer import MAX_ROWS
from service.stations.ledger import COLUMNS

EXAMPLE = {
    "编号": "JS-0001", "站点名称": "金水区花园路环卫爱心驿站", "类型": "爱心驿站",
    "所属区县": "410105", "地址": "郑州市金水区花园路88号", "经度": 113.6705, "纬度": 34.7869,
    "坐标系": "GCJ-02", "服务项目": "饮水、热饭、休息、充电",
    "开放时间": "周一至周五 08:00-18:00；周六 09:00-12:00",
    "联系电话": "0371-65550001", "对外开放": "是", "状态": "开放", "示范站点": "否",
}
NOTES = [
    ("编号", "必填。台账中的唯一编号；再次导入相同编号会更新该站点，不会重复新建"),
    ("站点名称", "新建时必填，不超过100字"),
    ("类型", "新建时必填：" + "、".join(STATION_KINDS.values()) + "（母婴室也可填“母婴室”）"),
    ("所属区县", "6位行政区划代码，如 410105（金水区）；不填则取所属组织的区县"),
    ("经度 / 纬度", "新建时必填，十进制度数，如 113.6705 / 34.7869"),
    ("坐标系", "、".join(COORD_SYSTEMS.values())
     + "；不填为 GCJ-02（腾讯/高德地图）。百度地图取点填 BD-09，GPS 填 WGS-84"),
    ("服务项目", "用“、”或逗号分隔：" + "、".join(SERVICES.values())),
    ("开放时间", "新建时必填：“24小时”，或如“周一至周五 08:00-18:00；周六 09:00-12:00”，"
     "跨夜写“22:00-次日06:00”"),
    ("联系电话", "手机号、带区号的固定电话（0371-12345678）或服务热线"),
    ("对外开放", "是/否；只有对外开放的母婴室会出现在小程序地图中"),
    ("状态", "、".join(STATION_STATUSES.values()) + "；不填为开放"),
    ("示范站点", "是/否"),
    ("所属组织代码", "可不填（默认为您所在的组织）；填写时须在您的管辖范围内"),
    ("面积（平方米）… 婴儿床", "母婴室设施：面积、哺乳座位数填数字，其余填是/否"),
    ("空白单元格", "更新已有站点时，空白单元格表示保持原值"),
    ("填写示例", "见“填写示例”页（不会被导入）；请在“站点台账”页表头下方逐行填写"),
]
_YES_NO = ("是", "否")
CHOICES = {
    "类型": tuple(STATION_KINDS.values()),
    "坐标系": tuple(COORD_SYSTEMS.values()),
    "对外开放": _YES_NO,
    "状态": tuple(STATION_STATUSES.values()),
    "示范站点": _YES_NO,
    **{label: _YES_NO for key, label in FACILITIES.items()
       if key not in ("area_m2", "nursing_seats")},
}
TEXT_COLUMNS = ("编号", "所属区县", "联系电话", "所属组织代码")


def template_workbook() -> bytes:
    """The xlsx template as bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "站点台账"
    headers = list(COLUMNS)
    sheet.append(headers)
    sheet.freeze_panes = "A2"
    last_row = MAX_ROWS + 1
    for index, header in enumerate(headers, start=1):
        sheet.cell(1, index).font = Font(bold=True)
        letter = get_column_letter(index)
        column = sheet.column_dimensions[letter]
        column.width = max(10, 2 * len(header) + 2, len(str(EXAMPLE.get(header, ""))) + 4)
        if header in TEXT_COLUMNS:
            column.number_format = "@"
        if header in CHOICES:
            # a drop-down, not a lock: the import also takes 母婴室, 百度, 有/无 and the like
            choice = DataValidation(type="list", formula1=f'"{",".join(CHOICES[header])}"',
                                    allow_blank=True, showErrorMessage=False)
            choice.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(choice)
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "填写说明"])
    for row in NOTES:
        notes.append(list(row))
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100
    example = workbook.create_sheet("填写示例")
    example.append(headers)
    example.append([EXAMPLE.get(header) for header in headers])
    for index in range(1, len(headers) + 1):
        letter = get_column_letter(index)
        example.column_dimensions[letter].width = sheet.column_dimensions[letter].width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_download() -> Response:
    """The template as an xlsx download named in Chinese (ASCII name for old browsers)."""
    response = Response(template_workbook(), mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = (
        "attachment; filename=\"station-template.xlsx\"; "
        f"filename*=UTF-8''{quote('站点台账导入模板.xlsx')}")
    return response
