"""Enterprise size classes by the 2011 SME standard (工信部联企业〔2011〕300号)."""

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources

from service.domain.errors import RuleViolation

SIZE_CLASS_LABELS = {"micro": "微型", "small": "小型", "medium": "中型", "large": "大型"}
METRIC_LABELS = {"employees": "从业人员", "revenue_wan": "营业收入", "assets_wan": "资产总额"}
_REQUIRED_CODES = {
    "employees": "employees_required",
    "revenue_wan": "revenue_required",
    "assets_wan": "assets_required",
}


@dataclass(frozen=True)
class Industry:
    """One row of the standard; the tuples are aligned with `metrics` (one or two)."""

    code: str
    name: str
    metrics: tuple[str, ...]
    ceilings: tuple[Decimal, ...]
    medium: tuple[Decimal, ...]
    small: tuple[Decimal, ...]


@lru_cache(maxsize=1)
def _table() -> dict[str, Industry]:
    source = resources.files("service").joinpath("data", "sme_standard_2011.csv")
    with source.open(encoding="utf-8", newline="") as file:
        rows = [_industry(row) for row in csv.DictReader(file)]
    return {row.code: row for row in rows}


def _industry(row: dict[str, str]) -> Industry:
    def column(prefix: str) -> tuple[str, ...]:
        # An empty second column marks a single-metric industry.
        return tuple(row[f"{prefix}_{n}"] for n in (1, 2) if row[f"{prefix}_{n}"])

    metrics = column("metric")
    industry = Industry(
        code=row["code"],
        name=row["industry"],
        metrics=metrics,
        ceilings=tuple(Decimal(value) for value in column("ceiling")),
        medium=tuple(Decimal(value) for value in column("medium")),
        small=tuple(Decimal(value) for value in column("small")),
    )
    parts = (industry.ceilings, industry.medium, industry.small)
    if not metrics or any(len(part) != len(metrics) for part in parts):
        raise ValueError(f"incomplete SME row: {row['code']}")
    return industry


def industries() -> list[Industry]:
    """All industries of the standard, in its order."""
    return list(_table().values())


def industry(code: str) -> Industry:
    """The industry with this code, or RuleViolation."""
    try:
        return _table()[code]
    except (KeyError, TypeError):
        raise RuleViolation(
            "industry_unknown", "所属行业不正确，请从行业列表中选择", "industry_code"
        ) from None


def classify(
    industry_code: str,
    employees: int | None,
    revenue_wan: Decimal | int | None,
    assets_wan: Decimal | int | None = None,
) -> str:
    """Return "micro", "small", "medium" or "large" for an enterprise of this industry."""
    row = industry(industry_code)
    given = {
        "employees": _amount("employees", employees),
        "revenue_wan": _amount("revenue_wan", revenue_wan),
        "assets_wan": _amount("assets_wan", assets_wan),
    }
    for metric in row.metrics:
        if given[metric] is None:
            raise RuleViolation(
                _REQUIRED_CODES[metric],
                f"该行业划型需要填写{METRIC_LABELS[metric]}",
                metric,
            )
    values = [given[metric] for metric in row.metrics]

    # "X以下或Y以下": below the ceiling (strictly) on any one metric makes an SME.
    is_sme = any(value < ceiling for value, ceiling in zip(values, row.ceilings, strict=True))
    # "X及以上，且Y及以上": a class needs every threshold reached.
    reaches_medium = all(value >= low for value, low in zip(values, row.medium, strict=True))
    reaches_small = all(value >= low for value, low in zip(values, row.small, strict=True))

    if not is_sme:
        return "large"
    if reaches_medium:
        return "medium"
    if reaches_small:
        return "small"
    return "micro"


def _amount(metric: str, value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool | float):
        raise TypeError(f"{metric} must be an int or Decimal, not {type(value).__name__}")
    if metric == "employees" and not isinstance(value, int):
        raise TypeError("employees must be an int")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise RuleViolation("sme_value_invalid", f"{METRIC_LABELS[metric]}应为数字", metric)
    if amount < 0:
        raise RuleViolation("sme_value_negative", f"{METRIC_LABELS[metric]}不能为负数", metric)
    return amount
