"""The privacy notice (隐私政策) the join form asks the person to accept, every version kept.

Only the current version is accepted on a new form: the person must have read what is done
with their data now. Older versions stay known, so an application records the version it
was accepted under and that text can still be shown (`GET /privacy-notice?version=`).
"""

from datetime import date

from service.web.errors import abort

_PURPOSE = ("郑州市总工会及其所属工会组织（以下简称“我们”）通过本小程序为职工提供扫码入会、"
            "电子会员卡、爱心驿站查询和小微企业工会经费返还等服务。")
_V1_TEXT = _PURPOSE + (
    "为办理入会，我们收集您的姓名、身份证号码、手机号码、职业、工作单位等信息，"
    "仅用于会员身份核实、会籍管理和工会服务。身份证号码、手机号码、银行账号加密保存，"
    "工作人员查看完整信息均留有记录。")
_V2_TEXT = _PURPOSE + (
    "一、我们收集的信息：姓名、身份证号码（性别和出生日期由此得出）、手机号码、职业、"
    "工作单位、户籍类型、民族、政治面貌、文化程度、居住地区县；申请经费返还时还包括企业"
    "及其工会的名称、信用代码、银行账户和联系人。"
    "二、用途：会员身份核实、会籍管理与转移、工会服务和匿名统计，不用于其他目的，"
    "不向工会系统以外提供。"
    "三、保护：身份证号码、手机号码、银行账号加密保存，对外显示时脱敏；工作人员查看完整信息、"
    "精确查询和导出均记入审计日志。"
    "四、保存期限：入会申请被驳回、会员退会或账号注销后，个人信息在保存期限（默认 180 天）"
    "届满后清除，统计数字保留但不含个人信息。"
    "五、您的权利：您可以在小程序“我的信息”中查看和下载我们保存的您的全部信息，"
    "更正手机号（经微信验证）和工作单位；在没有会籍、也没有办理中的经费返还申请时，"
    "可以注销账号，删除您的个人信息。")

# Oldest first; the last is the current one.
NOTICES = (
    {"version": "2025-01", "published_on": date(2025, 1, 1), "text": _V1_TEXT},
    {"version": "2026-12", "published_on": date(2026, 12, 1), "text": _V2_TEXT},
)
CURRENT_VERSION = NOTICES[-1]["version"]


def notice(version: str | None = None) -> dict | None:
    """The notice of `version` (the current one when None), or None when unknown."""
    wanted = version or CURRENT_VERSION
    return next((n for n in NOTICES if n["version"] == wanted), None)


def require_consent(version: str | None) -> str:
    """The version a join form accepted; 422 `consent_required` unless it is the current one."""
    if not version:
        abort(422, "consent_required", "请阅读并同意《隐私政策》后再提交入会申请",
              {"json": {"consent_version": ["未同意隐私政策"]}})
    if version != CURRENT_VERSION:
        known = notice(version) is not None
        abort(422, "consent_required",
              "《隐私政策》已更新，请阅读并同意最新版本后再提交" if known
              else "未知的隐私政策版本，请重新阅读并同意《隐私政策》后再提交",
              {"json": {"consent_version": ["不是当前版本" if known else "版本不存在"]}})
    return version


def notice_for_reading(version: str | None) -> dict:
    """The notice to show, marked whether new forms accept it; 404 for an unknown version."""
    found = notice(version)
    if found is None:
        abort(404, "privacy_notice_not_found", "没有这个版本的隐私政策")
    return {**found, "current": found["version"] == CURRENT_VERSION}
