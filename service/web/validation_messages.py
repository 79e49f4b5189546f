"""Chinese wording for marshmallow's validation messages and for field names."""

import re

FIELD_LABELS = {
    "page": "页码",
    "page_size": "每页条数",
    "code": "登录凭证",
    "username": "用户名",
    "password": "密码",
    "name": "名称",
    "kind": "类型",
    "parent_id": "上级组织",
    "district_code": "行政区划代码",
    "accepts_members": "是否接收入会",
    "auto_approve": "是否自动审批",
    "id_number": "身份证号码",
    "phone": "手机号码",
    "reason": "原因",
    "label": "渠道名称",
    "uscc": "统一社会信用代码",
    "union_uscc": "工会统一社会信用代码",
    "industry": "所属行业",
    "employees": "从业人员",
    "revenue_wan": "营业收入",
    "assets_wan": "资产总额",
    "union_name": "工会名称",
    "union_established_on": "工会成立日期",
    "bank_account_name": "开户名称",
    "bank_name": "开户银行",
    "bank_account_no": "银行账号",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "enterprise_id": "企业",
    "year": "年度",
    "paid_fen": "金额",
    "decision": "审核结果",
    "note": "审核意见",
    "voucher_no": "凭证号",
    "paid_at": "拨付日期",
    "file": "文件",
    "status": "状态",
    "size_class": "企业规模",
    "period_start": "政策期初",
    "period_end": "政策期末",
    "apply_from": "申报开始日期",
    "apply_until": "申报截止日期",
    "eligible_size_classes": "适用企业规模",
    "max_paid_fen": "小额缴费标准",
    "refund_ratio": "返还比例",
    "grassroots_share": "基层工会留成比例",
    "scene": "入会码",
    "org_id": "组织",
    "occupation": "职业",
    "employer": "工作单位",
    "household_type": "户籍类型",
    "ethnicity": "民族",
    "political_status": "政治面貌",
    "education": "学历",
    "residence_district_code": "居住地区县",
    "to_org_id": "转入组织",
    "verify_code": "会员码",
    "enabled": "是否启用",
    "since": "开始时间",
    "until": "结束时间",
    "q": "搜索内容",
    "full": "是否导出完整信息",
    "lat": "纬度",
    "lng": "经度",
    "radius": "搜索半径",
    "services": "服务项目",
    "hours": "开放时间",
    "bbox": "地图范围",
    "limit": "数量",
    "coord": "坐标系",
    "open_now": "是否正在开放",
    "content": "内容",
    "type": "类型",
    "external_code": "编号",
    "facilities": "母婴室设施",
    "address": "地址",
    "photos": "照片",
    "is_public": "是否对外开放",
    "is_model": "是否示范站点",
    "station_id": "站点",
}

_EXACT = {
    "Missing data for required field.": "为必填项",
    "Field may not be null.": "不能为空",
    "Not a valid string.": "应为文本",
    "Not a valid integer.": "应为整数",
    "Not a valid number.": "应为数字",
    "Not a valid boolean.": "应为是或否",
    "Not a valid date.": "日期格式不正确，应为YYYY-MM-DD",
    "Not a valid datetime.": "时间格式不正确，应为ISO 8601格式",
    "Not a valid list.": "应为列表",
    "Not a valid mapping type.": "格式不正确",
    "Not a valid tuple.": "格式不正确",
    "Invalid input type.": "格式不正确",
    "Unknown field.": "不是可接受的字段",
    "String does not match expected pattern.": "格式不正确",
    "Not a valid email address.": "邮箱格式不正确",
    "Not a valid URL.": "网址格式不正确",
    "Invalid value.": "取值不正确",
    "Field may not be empty.": "不能为空",
    "Special numeric values (nan or infinity) are not permitted.": "应为有限的数字",
}

_PATTERNS = [
    (re.compile(r"^Must be one of: (.*)\.$"), "应为以下之一：{0}"),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "长度应在{0}到{1}之间"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "长度不能少于{0}"),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "长度不能超过{0}"),
    (re.compile(r"^Length must be (\d+)\.$"), "长度应为{0}"),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     "应在{0}到{1}之间"),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), "不能小于{0}"),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), "不能大于{0}"),
    (re.compile(r"^Must be greater than (\S+)\.$"), "应大于{0}"),
    (re.compile(r"^Must be less than (\S+)\.$"), "应小于{0}"),
]


def translate(message: str) -> str:
    """Chinese for one marshmallow message; Chinese input passes through."""
    if message in _EXACT:
        return _EXACT[message]
    for pattern, template in _PATTERNS:
        match = pattern.match(message)
        if match:
            return template.format(*match.groups())
    return message


def translate_messages(messages):
    """Translate a nested webargs/marshmallow messages structure."""
    if isinstance(messages, dict):
        return {key: translate_messages(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translate_messages(value) for value in messages]
    return translate(messages) if isinstance(messages, str) else messages


def field_message(errors: dict, labels: dict | None = None) -> str | None:
    """One sentence naming the first invalid field, e.g. '手机号码为必填项'.

    `labels` overrides FIELD_LABELS for one schema (a person's `name` is 姓名, not 名称).
    """
    for location in errors.values():
        if not isinstance(location, dict):
            continue
        for field, problems in location.items():
            return f"{label(field, labels)}{_first(problems)}"
    return None


def schema_labels(schema) -> dict:
    """Field labels a schema declares with `metadata={"label": ...}`."""
    fields = getattr(schema, "fields", None) or {}
    return {name: field.metadata["label"] for name, field in fields.items()
            if "label" in field.metadata}


def label(field, labels: dict | None = None) -> str:
    """The Chinese name of a field, or the field name itself."""
    if labels and field in labels:
        return labels[field]
    return FIELD_LABELS.get(field, str(field))


def _first(problems) -> str:
    if isinstance(problems, list) and problems:
        return _first(problems[0])
    if isinstance(problems, dict) and problems:
        key, value = next(iter(problems.items()))
        return f"（{label(key)}）{_first(value)}" if not str(key).isdigit() else _first(value)
    return str(problems)
