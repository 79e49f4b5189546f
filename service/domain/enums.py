"""Vocabularies of joining and of the union tree: code -> Chinese label, in display order."""

GENDERS = {"male": "男", "female": "女"}

OCCUPATIONS = {
    "truck_driver": "货车司机",
    "ride_hailing_driver": "网约车司机",
    "courier": "快递员",
    "food_delivery": "外卖配送员",
    "other_platform": "其他平台从业人员",
    "other": "其他职工",
}

# The groups that reports break out one by one; every other occupation counts as "others".
NEW_EMPLOYMENT_GROUPS = {
    code: OCCUPATIONS[code]
    for code in ("truck_driver", "ride_hailing_driver", "courier", "food_delivery")
}

HOUSEHOLD_TYPES = {
    "agricultural": "农业",
    "non_agricultural": "非农业",
}

POLITICAL_STATUSES = {
    "cpc_member": "中共党员",
    "cyl_member": "共青团员",
    "democratic_party": "民主党派",
    "masses": "群众",
}

EDUCATIONS = {
    "primary_or_below": "小学及以下",
    "junior_high": "初中",
    "senior_high": "高中/中专/技校",
    "junior_college": "大专",
    "bachelor": "本科",
    "postgraduate": "研究生",
}

# GB 3304-1991 numeric codes.
ETHNICITIES = {
    "01": "汉族",
    "02": "蒙古族",
    "03": "回族",
    "04": "藏族",
    "05": "维吾尔族",
    "06": "苗族",
    "07": "彝族",
    "08": "壮族",
    "09": "布依族",
    "10": "朝鲜族",
    "11": "满族",
    "12": "侗族",
    "13": "瑶族",
    "14": "白族",
    "15": "土家族",
    "16": "哈尼族",
    "17": "哈萨克族",
    "18": "傣族",
    "19": "黎族",
    "20": "傈僳族",
    "21": "佤族",
    "22": "畲族",
    "23": "高山族",
    "24": "拉祜族",
    "25": "水族",
    "26": "东乡族",
    "27": "纳西族",
    "28": "景颇族",
    "29": "柯尔克孜族",
    "30": "土族",
    "31": "达斡尔族",
    "32": "仫佬族",
    "33": "羌族",
    "34": "布朗族",
    "35": "撒拉族",
    "36": "毛南族",
    "37": "仡佬族",
    "38": "锡伯族",
    "39": "阿昌族",
    "40": "普米族",
    "41": "塔吉克族",
    "42": "怒族",
    "43": "乌孜别克族",
    "44": "俄罗斯族",
    "45": "鄂温克族",
    "46": "德昂族",
    "47": "保安族",
    "48": "裕固族",
    "49": "京族",
    "50": "塔塔尔族",
    "51": "独龙族",
    "52": "鄂伦春族",
    "53": "赫哲族",
    "54": "门巴族",
    "55": "珞巴族",
    "56": "基诺族",
    "97": "其他",
    "98": "外国血统中国籍人士",
}

ORG_KINDS = {
    "city_federation": "市总工会",
    "district_federation": "区县总工会",
    "industry_union": "产业工会",
    "new_employment_federation": "新业态工会联合会",
    "grassroots": "基层工会",
    "holding_pool": "周转库",
}
