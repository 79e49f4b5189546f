"""The scenarios, in the order they run (cheap ones first); each yields rows for the table."""

import requests

from bench.dashboard import dashboard_figures
from bench.env import BenchEnv
from bench.exports import exports
from bench.nearby import nearby_search
from bench.peak import peak_hour_mix
from bench.signup import collective_signup
from bench.staff_lists import staff_lists
from bench.station_import import station_import
from service.demo import DEMO_PASSWORD


def staff_token(env: BenchEnv, username: str) -> str:
    answer = requests.post(env.url + "/api/v1/admin/auth/login", timeout=30,
                           json={"username": username, "password": DEMO_PASSWORD})
    answer.raise_for_status()
    return answer.json()["token"]


ALL = [collective_signup, station_import, nearby_search, staff_lists, dashboard_figures,
       exports, peak_hour_mix]
