"""The nearby answer's JSON, written by hand from parts the index keeps ready.

Nearby search is the busiest request: each station's part of its item is encoded once,
when its tile is read (`entry_json`), each schedule's text once (`hours_text_json`), and a
search only joins them with its distance and `open_now` (`item_json`). The shape is
NearbyResultSchema's (API.md).
"""

import json

from service.domain.hours import hours_text
from service.models.stations import services_of
from service.stations.tiles import Hit

_SERVICES_JSON: dict[int, str] = {}


def services_json(mask: int) -> str:
    """The service codes of a mask as a JSON list (one string kept per mask)."""
    found = _SERVICES_JSON.get(mask)
    if found is None:
        found = _SERVICES_JSON[mask] = json.dumps(services_of(mask), separators=(",", ":"))
    return found


def entry_json(station_id: str, kind: str, lat_e6: int, lng_e6: int, mask: int,
               members: str) -> bytes:
    """A station's item after the opening brace, less distance_m, open_now and hours_text:
    `"id":..,"kind":..,"lat":..,"lng":..,"services":[..],"name":..,"address":..,"phone":..}`
    (UTF-8 bytes: about half the size of a str holding Chinese). `members` is the JSON
    object of name, address and phone the database built (tile_sql.station_line)."""
    return (f'"id":{station_id},"kind":"{kind}","lat":{lat_e6 / 1e6!r},'
            f'"lng":{lng_e6 / 1e6!r},"services":{services_json(mask)},'
            f'{members.lstrip()[1:]}'.encode())


def hours_text_json(hours: dict) -> bytes:
    """The hours' text (hours_text) as a JSON string, UTF-8."""
    return json.dumps(hours_text(hours), ensure_ascii=False).encode()


def item_json(hit: Hit) -> bytes:
    """A nearby item (API.md) as UTF-8 JSON: the entry's part and the search's."""
    return b'{"distance_m":%d,"open_now":%s,"hours_text":%s,%s' % (
        round(hit.distance_m), b"true" if hit.open_now else b"false", hit.schedule.text_json,
        hit.entry.json)


def nearby_json(hits: list[Hit]) -> bytes:
    """The nearby answer of API.md, `{"items": [...], "total": n}`, as UTF-8 JSON."""
    return b'{"items":[%s],"total":%d}' % (b",".join(map(item_json, hits)), len(hits))
