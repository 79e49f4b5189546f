from decimal import Decimal
from pathlib import Path

import pytest

from service.domain.errors import RuleViolation
from service.domain.sme import SIZE_CLASS_LABELS, classify, industries, industry

REPO_ROOT = Path(__file__).resolve().parents[2]
CSV_NAME = "sme_standard_2011.csv"


def shared_csv():
    # The shared copy sits in ../shared beside the checkout, or one level higher for a
    # worktree kept under a sub-directory.
    for parent in REPO_ROOT.parents:
        candidate = parent / "shared" / "data" / CSV_NAME
        if candidate.is_file():
            return candidate
    return None


def test_packaged_table_equals_the_shared_reference():
    reference = shared_csv()
    if reference is None:
        pytest.skip("no shared/data directory beside the repository")
    packaged = REPO_ROOT / "service" / "data" / CSV_NAME
    assert packaged.read_bytes() == reference.read_bytes()


def test_the_standard_has_sixteen_industries_in_order():
    rows = industries()

    assert len(rows) == 16
    assert rows[0].code == "agriculture"
    assert rows[-1].code == "other"
    assert industry("industry").name == "工业"


def test_rows_are_decimal_and_aligned():
    for row in industries():
        assert len(row.metrics) in (1, 2)
        for part in (row.ceilings, row.medium, row.small):
            assert len(part) == len(row.metrics)
            assert all(isinstance(value, Decimal) for value in part)
        assert all(c > m >= s for c, m, s in zip(row.ceilings, row.medium, row.small, strict=True))


def test_single_metric_rows():
    assert industry("agriculture").metrics == ("revenue_wan",)
    assert industry("other").metrics == ("employees",)


def test_labels():
    assert SIZE_CLASS_LABELS == {
        "micro": "微型",
        "small": "小型",
        "medium": "中型",
        "large": "大型",
    }


# 工业: employees 1000 / revenue 40000 ceilings; medium 300 and 2000; small 20 and 300.
@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        (1000, 100, "micro"),  # at the employee ceiling but below the revenue one
        (1000, 40000, "large"),  # at both ceilings: not below either
        (5000, 50000, "large"),
        (999, 40000, "medium"),
        (5000, 39999, "medium"),
        (300, 2000, "medium"),
        (299, 2000, "small"),
        (300, 1999, "small"),
        (20, 300, "small"),
        (19, 300, "micro"),
        (20, 299, "micro"),
        (20, Decimal("299.99"), "micro"),
        (0, 0, "micro"),
    ],
)
def test_industry(employees, revenue, expected):
    assert classify("industry", employees, Decimal(revenue)) == expected


# 零售业: 300 / 20000; medium 50 and 500; small 10 and 100.
@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        (300, 20000, "large"),
        (300, 19999, "medium"),
        (50, 500, "medium"),
        (49, 500, "small"),
        (50, 499, "small"),
        (10, 100, "small"),
        (10, 99, "micro"),
        (9, 100000, "micro"),  # below one small threshold is micro whatever the other
    ],
)
def test_retail(employees, revenue, expected):
    assert classify("retail", employees, revenue) == expected


# 批发业: 200 / 40000; medium 20 and 5000; small 5 and 1000.
@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        (200, 40000, "large"),
        (199, 40000, "medium"),
        (20, 5000, "medium"),
        (19, 5000, "small"),
        (5, 1000, "small"),
        (5, 999, "micro"),
        (4, 1000, "micro"),
    ],
)
def test_wholesale(employees, revenue, expected):
    assert classify("wholesale", employees, revenue) == expected


# 建筑业: revenue 80000 / assets 80000; medium 6000 and 5000; small 300 and 300.
@pytest.mark.parametrize(
    ("revenue", "assets", "expected"),
    [
        (80000, 80000, "large"),
        (80000, 79999, "medium"),
        (6000, 5000, "medium"),
        (6000, 4999, "small"),
        (300, 300, "small"),
        (299, 300, "micro"),
        (300, 299, "micro"),
    ],
)
def test_construction_ignores_employees(revenue, assets, expected):
    assert classify("construction", None, Decimal(revenue), Decimal(assets)) == expected
    assert classify("construction", 100000, Decimal(revenue), Decimal(assets)) == expected


def test_construction_needs_assets():
    with pytest.raises(RuleViolation) as caught:
        classify("construction", 50, Decimal(1000))
    assert caught.value.code == "assets_required"
    assert caught.value.field == "assets_wan"
    assert "资产总额" in caught.value.message


# 房地产开发经营: revenue 200000 / assets 10000; medium 1000 and 5000; small 100 and 2000.
@pytest.mark.parametrize(
    ("revenue", "assets", "expected"),
    [
        (200000, 10000, "large"),
        (500000, 9999, "medium"),
        (1000, 5000, "medium"),
        (1000, 4999, "small"),
        (100, 2000, "small"),
        (100, 1999, "micro"),
    ],
)
def test_real_estate_development(revenue, assets, expected):
    assert classify("real_estate_development", None, revenue, assets) == expected


# 租赁和商务服务业: employees 300 / assets 120000; medium 100 and 8000; small 10 and 100.
def test_leasing_uses_employees_and_assets_not_revenue():
    assert classify("leasing_business_services", 100, None, Decimal(8000)) == "medium"
    assert classify("leasing_business_services", 100, None, Decimal(7999)) == "small"
    assert classify("leasing_business_services", 300, None, Decimal(120000)) == "large"
    with pytest.raises(RuleViolation) as caught:
        classify("leasing_business_services", 100, Decimal(5000))
    assert caught.value.code == "assets_required"


# 农、林、牧、渔业: revenue only; ceiling 20000, medium 500, small 50.
@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        (20000, "large"),
        (19999, "medium"),
        (500, "medium"),
        (499, "small"),
        (50, "small"),
        (49, "micro"),
    ],
)
def test_agriculture_counts_revenue_only(revenue, expected):
    assert classify("agriculture", 100000, Decimal(revenue)) == expected
    assert classify("agriculture", None, Decimal(revenue)) == expected


# 其他未列明行业: employees only; ceiling 300, medium 100, small 10.
@pytest.mark.parametrize(
    ("employees", "expected"),
    [(300, "large"), (299, "medium"), (100, "medium"), (99, "small"), (10, "small"), (9, "micro")],
)
def test_other_counts_employees_only(employees, expected):
    assert classify("other", employees, None) == expected
    assert classify("other", employees, Decimal(10**9)) == expected


def test_missing_revenue_and_employees():
    with pytest.raises(RuleViolation) as caught:
        classify("industry", 10, None)
    assert (caught.value.code, caught.value.field) == ("revenue_required", "revenue_wan")

    with pytest.raises(RuleViolation) as caught:
        classify("other", None, Decimal(1))
    assert (caught.value.code, caught.value.field) == ("employees_required", "employees")


@pytest.mark.parametrize(
    ("employees", "revenue", "assets", "field"),
    [
        (-1, 0, None, "employees"),
        (0, Decimal("-0.01"), None, "revenue_wan"),
        (0, 0, -5, "assets_wan"),
    ],
)
def test_negative_values(employees, revenue, assets, field):
    with pytest.raises(RuleViolation) as caught:
        classify("industry", employees, revenue, assets)
    assert (caught.value.code, caught.value.field) == ("sme_value_negative", field)


def test_not_a_number():
    with pytest.raises(RuleViolation) as caught:
        classify("industry", 10, Decimal("NaN"))
    assert caught.value.code == "sme_value_invalid"


def test_floats_and_bools_are_refused():
    with pytest.raises(TypeError):
        classify("industry", 10, 12.5)
    with pytest.raises(TypeError):
        classify("industry", True, 100)


def test_unknown_industry():
    with pytest.raises(RuleViolation) as caught:
        classify("mining", 10, Decimal(100))
    assert caught.value.code == "industry_unknown"
    assert caught.value.field == "industry_code"
