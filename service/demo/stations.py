"""Demo stations over Zhengzhou's districts, and a generator of synthetic stations in bulk.

`generate_stations` yields plain row dicts for `insert(Station)` with executemany, with
every derived column filled by the model's own functions, so the benchmark harness can
load a million stations in batches without building ORM objects.
"""

import math
import random
from collections.abc import Iterator
from itertools import islice

from sqlalchemy import insert, select

from service.domain.geo import EARTH_RADIUS_M, tile_col, tile_key
from service.domain.hours import validate_hours
from service.extensions import db
from service.models import revisions
from service.models.orgs import Org
from service.models.stations import (
    Station,
    position_columns,
    search_columns,
    services_mask,
)

DEMO_COUNT = 900
DEMO_SEED = 2026
# Cluster centres near the districts' real centres (GCJ-02): (org code, district code,
# name, lat, lng, spread in metres, weight). Functional zones go to the district running them.
CLUSTERS = [
    ("JS", "410105", "金水区", 34.8003, 113.6604, 3500, 16),
    ("JS", "410105", "郑东新区", 34.7700, 113.7300, 3000, 10),
    ("ZY", "410102", "中原区", 34.7480, 113.6133, 3500, 12),
    ("ZY", "410102", "高新区", 34.8100, 113.5450, 3000, 6),
    ("EQ", "410103", "二七区", 34.7240, 113.6403, 3000, 12),
    ("GCHZ", "410104", "管城回族区", 34.7540, 113.6775, 3000, 9),
    ("GCHZ", "410104", "经开区", 34.7150, 113.7250, 3000, 6),
    ("HJ", "410108", "惠济区", 34.8674, 113.6168, 3500, 6),
    ("SJ", "410106", "上街区", 34.8025, 113.3087, 2000, 3),
    ("ZM", "410122", "中牟县", 34.7190, 113.9760, 3000, 4),
    ("GY", "410181", "巩义市", 34.7480, 113.0220, 3000, 3),
    ("XY", "410182", "荥阳市", 34.7870, 113.3835, 3000, 4),
    ("XM", "410183", "新密市", 34.5390, 113.3907, 3000, 3),
    ("XZ", "410184", "新郑市", 34.3955, 113.7400, 3000, 3),
    ("XZ", "410184", "航空港区", 34.5300, 113.8400, 3500, 4),
    ("DF", "410185", "登封市", 34.4534, 113.0502, 3000, 3),
]
# 887 love stations : 117 rider/driver/worker homes : 200 mother-baby rooms (DOMAIN.md).
KIND_WEIGHTS = {"love_station": 887, "rider_home": 70, "driver_home": 47,
                "mother_baby_room": 200}
STREETS = ["花园路", "文化路", "经三路", "农业路", "东风路", "金水路", "建设路", "中原路",
           "桐柏路", "嵩山路", "大学路", "京广路", "航海路", "紫荆山路", "商城路", "城东路",
           "天河路", "科学大道", "商务外环路", "心怡路", "第八大街", "人民路", "中华路",
           "少林大道", "青屏大街", "索河路", "迎宾大道", "长江路", "陇海路", "南三环"]
HOSTS = {
    "love_station": ["工商银行{s}支行", "建设银行{s}支行", "农业银行{s}网点", "郑州银行{s}支行",
                     "{s}环卫所", "中石化{s}加油站", "{s}社区党群服务中心", "国家电网{s}供电所",
                     "{s}邮政支局", "中原银行{s}支行"],
    "rider_home": ["美团{s}站点", "饿了么{s}配送站", "顺丰{s}营业部", "京东{s}配送站"],
    "driver_home": ["{s}物流园", "中石油{s}加油站", "{s}货运服务区", "{s}网约车服务中心"],
    "mother_baby_room": ["{s}商业广场", "{s}人民医院", "{s}地铁站", "{s}政务服务中心",
                         "{s}汽车站", "{s}购物中心"],
}
SUFFIX = {"love_station": "爱心驿站", "rider_home": "骑手之家", "driver_home": "司机之家",
          "mother_baby_room": "爱心母婴室"}
SERVICE_POOLS = {
    "love_station": ["meal_heating", "toilet", "charging", "cooling", "heating", "rain_shelter",
                     "reading", "first_aid", "wifi", "umbrella", "repair_tools"],
    "rider_home": ["meal_heating", "toilet", "charging", "battery_swap", "repair_tools",
                   "locker", "wifi", "first_aid"],
    "driver_home": ["meal_heating", "toilet", "charging", "locker", "wifi", "first_aid",
                    "reading"],
    "mother_baby_room": ["toilet", "rest", "charging", "first_aid"],
}
BASE_SERVICES = {"love_station": ["water", "rest"], "rider_home": ["water", "rest"],
                 "driver_home": ["water", "rest"], "mother_baby_room": ["nursing", "water"]}


def _weekly(days: str, start: str, end: str) -> dict:
    keys = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    chosen = {"weekdays": keys[:5], "mon-sat": keys[:6], "every": keys}[days]
    return validate_hours({"weekly": {key: [[start, end]] for key in chosen}})


# (weight, hours): many always open, office hours closed on Sunday, evenings across midnight.
HOURS_POOL = [
    (40, {"always_open": True}),
    (15, _weekly("weekdays", "08:00", "18:00")),
    (12, _weekly("mon-sat", "08:30", "17:30")),
    (12, _weekly("every", "07:00", "21:00")),
    (8, _weekly("every", "10:00", "22:00")),
    (8, _weekly("every", "18:00", "06:00")),
    (5, _weekly("mon-sat", "20:00", "02:00")),
]


def _point_near(rng: random.Random, lat: float, lng: float, spread_m: float, *,
                uniform_disc: bool) -> tuple[float, float]:
    distance = spread_m * (math.sqrt(rng.random()) if uniform_disc else abs(rng.gauss(0, 0.6)))
    bearing = rng.uniform(0, 2 * math.pi)
    dlat = math.degrees(distance * math.cos(bearing) / EARTH_RADIUS_M)
    dlng = math.degrees(distance * math.sin(bearing) / EARTH_RADIUS_M
                        / math.cos(math.radians(lat)))
    return lat + dlat, lng + dlng


def _facilities(rng: random.Random) -> dict:
    full = rng.random() < 0.55  # about half the rooms meet the Henan standard
    return {"area_m2": rng.choice([12, 15, 18, 25]) if full else rng.choice([6, 8, 12]),
            "nursing_seats": rng.choice([2, 3, 4]) if full else rng.choice([1, 2]),
            **{key: full or rng.random() < 0.6 for key in (
                "air_conditioning", "fridge", "sterilizer", "sofa", "washbasin",
                "changing_table", "crib")}}


def generate_stations(n: int, seed: int = DEMO_SEED, *, around: tuple | None = None,
                      spread_m: float = 30_000, org_ids=None,
                      code_prefix: str = "ZZ-DEMO") -> Iterator[dict]:
    """Yield `n` synthetic station rows (deterministic for a seed) for a bulk insert.

    Without `around` the points cluster on Zhengzhou's districts; with `around=(lat, lng)`
    they spread uniformly over a disc of `spread_m`. `org_ids` maps demo org codes to ids,
    or is one org id for every row.
    """
    if org_ids is None:
        raise ValueError("org_ids is required: a {org code: id} mapping or one org id")
    rng = random.Random(seed)
    kinds, kind_weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    hours_pool = [hours for _, hours in HOURS_POOL]
    hours_weights = [weight for weight, _ in HOURS_POOL]
    cluster_weights = [cluster[-1] for cluster in CLUSTERS]
    for number in range(1, n + 1):
        org_code, district, area, lat, lng, spread, _ = rng.choices(CLUSTERS, cluster_weights)[0]
        if around is None:
            lat, lng = _point_near(rng, lat, lng, spread, uniform_disc=False)
        else:
            lat, lng = _point_near(rng, *around, spread_m, uniform_disc=True)
        kind = rng.choices(kinds, kind_weights)[0]
        street = rng.choice(STREETS)
        host = rng.choice(HOSTS[kind]).format(s=street)
        services = BASE_SERVICES[kind] + rng.sample(SERVICE_POOLS[kind],
                                                    rng.randint(1, len(SERVICE_POOLS[kind]) // 2))
        hours = rng.choices(hours_pool, hours_weights)[0]
        status = "suspended" if rng.random() < 0.02 else "open"
        is_public = kind != "mother_baby_room" or rng.random() < 0.8
        org_id = org_ids if isinstance(org_ids, int) else org_ids[org_code]
        yield {
            "external_code": f"{code_prefix}-{number:07d}", "kind": kind,
            "name": f"{host}{SUFFIX[kind]}",
            "address": f"郑州市{area}{street}{rng.randint(1, 399)}号", "district_code": district,
            "org_id": org_id, **position_columns(lat, lng),
            "services_mask": services_mask(services), "hours": hours,
            "phone": f"0371-{rng.randint(55000000, 69999999)}", "photos": [],
            "is_model": rng.random() < 0.05, "status": status, "is_public": is_public,
            "facilities": _facilities(rng) if kind == "mother_baby_room" else None,
            **search_columns(kind, status, is_public, hours),
        }


def insert_stations(rows, batch: int = 2000) -> int:
    """Insert row dicts in executemany batches (no ORM objects); return the count.

    The timestamps come from the column defaults, evaluated per row by the insert. Bulk
    inserts pass by the ORM's flush, so the stations revision is bumped here, with the map
    tiles the rows fall in.
    """
    rows, count, tiles = iter(rows), 0, set()
    while chunk := list(islice(rows, batch)):
        db.session.execute(insert(Station), chunk)
        count += len(chunk)
        tiles.update(tile_key(row["cell_row"], tile_col(row["lng_e6"])) for row in chunk)
    if count:
        revisions.bump(revisions.STATIONS, parts=tiles)
    return count


def seed_stations() -> list[str]:
    """Add the demo stations that are missing (by external code); idempotent."""
    org_ids = dict(db.session.execute(select(Org.code, Org.id)).all())
    existing = set(db.session.scalars(
        select(Station.external_code).where(Station.external_code.like("ZZ-DEMO-%"))))
    rows = (row for row in generate_stations(DEMO_COUNT, DEMO_SEED, org_ids=org_ids)
            if row["external_code"] not in existing)
    added = insert_stations(rows)
    return [f"demo stations: {added} added, {len(existing)} already present"]
