"""The national stations: 186,100 over all of China's provinces, as the real ones spread.

Each province gets its share by urban population, each prefecture-level city its share of
the province by weight (bench/national_cities.py); within a city three quarters cluster
around the centre and a quarter around its county towns (seats 20 to 70 km out). Zhengzhou's
share is the city's own 900, denser, owned by its districts (service/demo/stations.py);
the rest belong to the city federation, as the map it shows. Coordinates are GCJ-02.

Two forms: rows for the stations table (bulk, `load_national_stations`), and ledger files
for `POST /api/v1/admin/stations/import` as a provincial operator sends them
(`import_files`: 10,000 rows each, in the template's columns, hours or services changed,
some stations new, some closed). Everything follows from SEED.
"""

import io
import math
import random
from bisect import bisect_right
from functools import lru_cache

from openpyxl import Workbook
from sqlalchemy import func, select, text

from bench.data import ensure_orgs, org_id
from bench.national_cities import PROVINCES
from bench.parallel import in_processes
from service.demo.stations import (
    BASE_SERVICES,
    DEMO_COUNT,
    HOSTS,
    HOURS_POOL,
    KIND_WEIGHTS,
    SERVICE_POOLS,
    SUFFIX,
    _facilities,
    _point_near,
    insert_stations,
    seed_stations,
)
from service.domain.hours import hours_text
from service.domain.stations import SERVICES
from service.extensions import db
from service.models.stations import Station, position_columns, search_columns, services_mask

SEED = 186_100
TOTAL, QUICK_TOTAL = 186_100, 20_000  # the city's own 900 included
CODE_PREFIX = "CN"
CHUNK = 25_000  # rows per loading job
FILE_ROWS, NEW_PER_FILE, CLOSED_PER_FILE = 10_000, 1_000, 500
STREETS = ["人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "胜利路", "文化路",
           "长江路", "黄河路", "北京路", "光明路", "工业路", "迎宾大道", "滨江路", "朝阳路",
           "东风路", "复兴路", "青年路", "环城路", "世纪大道", "学府路", "站前路", "民主路"]
LOVE_HOSTS = ["工商银行{s}支行", "建设银行{s}支行", "农业银行{s}网点", "{s}环卫所",
              "中石化{s}加油站", "{s}社区党群服务中心", "国家电网{s}供电所", "{s}邮政支局"]
HEADER = ["编号", "站点名称", "类型", "所属区县", "地址", "经度", "纬度", "坐标系", "服务项目",
          "开放时间", "联系电话", "对外开放", "状态"]


@lru_cache(maxsize=4)
def city_plan(total: int) -> tuple[list[int], list[tuple]]:
    """Station numbers per city: (first numbers, cities as (province, name, code, lat,
    lng, count)); the national ones are numbered 0 .. total - 900, province by province."""
    national = total - DEMO_COUNT
    shares = [(province, population * weight / sum(w for *_, w in cities), city)
              for province, population, cities in PROVINCES
              for *city, weight in cities]
    whole = sum(share for _, share, _ in shares)
    starts, cities, done = [], [], 0.0
    for province, share, (name, code, lat, lng) in shares:
        first, done = round(national * done / whole), done + share
        count = round(national * done / whole) - first
        starts.append(first)
        cities.append((province, name, code, lat, lng, count))
    return starts, cities


def city_of(total: int, number: int) -> tuple:
    starts, cities = city_plan(total)
    return cities[bisect_right(starts, number) - 1]


def _towns(code: str, lat: float, lng: float) -> list[tuple[float, float]]:
    """The county towns around a city centre, the same every time."""
    rng = random.Random(f"{SEED}-{code}")
    return [_point_near(rng, lat, lng, rng.uniform(20_000, 70_000), uniform_disc=True)
            for _ in range(rng.randint(4, 8))]


def _position(rng: random.Random, city: tuple) -> tuple[float, float]:
    _, _, code, lat, lng, count = city
    if rng.random() < 0.75:
        return _point_near(rng, lat, lng, 6000 + 120 * math.sqrt(count), uniform_disc=False)
    return _point_near(rng, *rng.choice(_towns(code, lat, lng)), 3000, uniform_disc=False)


def _services(rng: random.Random, kind: str) -> list[str]:
    pool = SERVICE_POOLS[kind]
    return BASE_SERVICES[kind] + rng.sample(pool, rng.randint(1, len(pool) // 2))


def station_row(rng: random.Random, number: int, city: tuple, owner: int) -> dict:
    """One national station as a row dict for `insert(Station)`."""
    province, name, code, *_ = city
    lat, lng = _position(rng, city)
    kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
    street = rng.choice(STREETS)
    host = rng.choice(LOVE_HOSTS if kind == "love_station" else HOSTS[kind]).format(s=street)
    hours = rng.choices([h for _, h in HOURS_POOL], [w for w, _ in HOURS_POOL])[0]
    status = "suspended" if rng.random() < 0.02 else "open"
    is_public = kind != "mother_baby_room" or rng.random() < 0.8
    city_part = "" if province.startswith(name) else f"{name}市"  # not 北京市北京市
    return {
        "external_code": f"{CODE_PREFIX}-{number:06d}", "kind": kind,
        "name": f"{name}{host}{SUFFIX[kind]}",
        "address": f"{province}{city_part}{street}{rng.randint(1, 399)}号", "district_code": code,
        "org_id": owner, **position_columns(lat, lng),
        "services_mask": services_mask(_services(rng, kind)), "hours": hours,
        "phone": f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}", "photos": [],
        "is_model": rng.random() < 0.05, "status": status, "is_public": is_public,
        "facilities": _facilities(rng) if kind == "mother_baby_room" else None,
        **search_columns(kind, status, is_public, hours),
    }


def load_chunk(total: int, first: int, count: int) -> int:
    """Stations `first` .. `first + count - 1` of the national plan for `total`."""
    rng, owner = random.Random(SEED * 1000 + first), org_id("ZZ")
    rows = (station_row(rng, n, city_of(total, n), owner) for n in range(first, first + count))
    return insert_stations(rows, batch=5000)


def load_national_stations(settings: dict, quick: bool) -> int:
    """The national stations (186,100, or 20,000 with `quick`) with Zhengzhou's own 900,
    in bulk; a table that holds them already gets nothing more. The table's total."""
    ensure_orgs()
    seed_stations()  # the city's own 900 (idempotent)
    db.session.commit()
    total = QUICK_TOTAL if quick else TOTAL
    present = db.session.scalar(select(func.count(Station.id)).where(
        Station.external_code.like(f"{CODE_PREFIX}-%")))
    if not present:
        national = total - DEMO_COUNT
        in_processes(settings, load_chunk, [(total, first, min(CHUNK, national - first))
                                            for first in range(0, national, CHUNK)])
        db.session.execute(text("ANALYZE TABLE stations"))
        db.session.commit()
    return db.session.scalar(select(func.count(Station.id)))


def _workbook(rows: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("站点台账")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _change(rng: random.Random, code: str, closing: bool) -> list:
    """An existing station's row: closed, or new hours or new services (blank cells keep
    the stored values)."""
    row = [code] + [None] * (len(HEADER) - 1)
    if closing:
        row[HEADER.index("状态")] = "关闭"
    elif rng.random() < 0.5:
        hours = rng.choices([h for _, h in HOURS_POOL], [w for w, _ in HOURS_POOL])[0]
        row[HEADER.index("开放时间")] = hours_text(hours)
    else:
        codes = ["water", "rest"] + rng.sample(["toilet", "charging", "wifi", "first_aid",
                                                "meal_heating", "umbrella"], 2)
        row[HEADER.index("服务项目")] = "、".join(SERVICES[code] for code in codes)
    return row


def _new(rng: random.Random, code: str, city: tuple) -> list:
    row = station_row(rng, 0, city, 0)
    kind = rng.choice(["love_station", "rider_home", "driver_home"])
    return [code, f"{city[1]}{rng.choice(STREETS)}新建{SUFFIX[kind]}", SUFFIX[kind],
            city[2], row["address"], row["lng_e6"] / 1e6, row["lat_e6"] / 1e6, "GCJ-02",
            "饮水、休息、充电", rng.choice(["24小时", "每天 07:00-21:00"]), row["phone"],
            "是", "开放"]


def file_count(quick: bool) -> int:
    """Ledger files the station import sends: 50,000 changes of the national map, a
    quarter of it, within the whole run's time (a file takes tens of seconds here)."""
    return 2 if quick else 5


def import_file(total: int, index: int, rows: int = FILE_ROWS) -> tuple[str, bytes, dict]:
    """The `index`-th ledger file an operator sends, province by province: of 10,000 rows,
    8,500 stations with hours or services changed, 500 closed, 1,000 new in the same
    cities (in proportion for other `rows`); its name, bytes and what it holds
    ({"changed": codes, "closed": codes, "new": codes})."""
    new = rows * NEW_PER_FILE // FILE_ROWS
    existing, rng = rows - new, random.Random(SEED + index)
    numbers = range(index * existing, (index + 1) * existing)
    if numbers.stop > total - DEMO_COUNT:
        raise ValueError(f"file {index} runs past the {total - DEMO_COUNT} national stations")
    closing = set(rng.sample(numbers, rows * CLOSED_PER_FILE // FILE_ROWS))
    lines, held = [], {"changed": [], "closed": [], "new": []}
    for number in numbers:
        code = f"{CODE_PREFIX}-{number:06d}"
        held["closed" if number in closing else "changed"].append(code)
        lines.append(_change(rng, code, number in closing))
    for k in range(new):
        code = f"{CODE_PREFIX}-N{index:02d}-{k:04d}"
        held["new"].append(code)
        lines.append(_new(rng, code, city_of(total, rng.choice(numbers))))
    rng.shuffle(lines)  # a ledger in the operator's order, not ours
    return f"台账-{index + 1:02d}.xlsx", _workbook(lines), held
