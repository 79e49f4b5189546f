from service.domain.enums import (
    EDUCATIONS,
    ETHNICITIES,
    HOUSEHOLD_TYPES,
    NEW_EMPLOYMENT_GROUPS,
    OCCUPATIONS,
    ORG_KINDS,
    POLITICAL_STATUSES,
)


def test_occupations_and_reported_groups():
    assert list(OCCUPATIONS) == [
        "truck_driver",
        "ride_hailing_driver",
        "courier",
        "food_delivery",
        "other_platform",
        "other",
    ]
    assert list(NEW_EMPLOYMENT_GROUPS) == list(OCCUPATIONS)[:4]
    assert NEW_EMPLOYMENT_GROUPS["food_delivery"] == "外卖配送员"


def test_small_vocabularies():
    assert HOUSEHOLD_TYPES == {"agricultural": "农业", "non_agricultural": "非农业"}
    assert list(POLITICAL_STATUSES) == ["cpc_member", "cyl_member", "democratic_party", "masses"]
    assert list(EDUCATIONS)[0] == "primary_or_below"
    assert list(EDUCATIONS)[-1] == "postgraduate"
    assert list(ORG_KINDS) == [
        "city_federation",
        "district_federation",
        "industry_union",
        "new_employment_federation",
        "grassroots",
        "holding_pool",
    ]


def test_ethnicities_follow_gb_3304():
    assert list(ETHNICITIES) == [f"{n:02d}" for n in range(1, 57)] + ["97", "98"]
    assert len(set(ETHNICITIES.values())) == 58
    spot_checks = {
        "01": "汉族",
        "02": "蒙古族",
        "05": "维吾尔族",
        "10": "朝鲜族",
        "11": "满族",
        "23": "高山族",
        "46": "德昂族",
        "56": "基诺族",
        "97": "其他",
        "98": "外国血统中国籍人士",
    }
    for code, label in spot_checks.items():
        assert ETHNICITIES[code] == label
