#!/usr/bin/env bash
# The three journeys, request by request, against a running demo (`bash deploy/demo.sh`):
#   bash deploy/walkthrough.sh
# API=http://127.0.0.1:8000 and WECHAT=http://127.0.0.1:9900 (the demo's fake WeChat) unless
# set. Each step prints its request and the answer, and stops the walk with a message when
# the answer is not the one expected. Safe to run again on the same demo: each run is a new
# rider and a new enterprise.
set -euo pipefail
API=${API:-http://127.0.0.1:8000}
WECHAT=${WECHAT:-http://127.0.0.1:9900}
B=$API/api/v1
PASSWORD=${DEMO_PASSWORD:-demo-pass-2026}
RUN=$(date +%s)$RANDOM
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

step() { printf '\n== %s\n' "$*"; }

# call METHOD URL EXPECTED_STATUS [curl arguments...]: a JSON answer lands in $BODY, any
# answer in the file $TMP/body.
call() {
    local method=$1 url=$2 expected=$3
    shift 3
    printf '%s %s\n' "$method" "${url#"$API"}"
    STATUS=$(curl -s -o "$TMP/body" -w '%{http_code}' -X "$method" "$url" "$@")
    BODY=
    case "$(head -c 1 "$TMP/body")" in "{"|"[") BODY=$(cat "$TMP/body") ;; esac
    if [ "$STATUS" != "$expected" ]; then
        printf 'expected %s, got %s: %s\n' "$expected" "$STATUS" "$BODY" >&2
        exit 1
    fi
    if [ -n "$BODY" ]; then
        printf '%s %s' "$STATUS" "$BODY" | python3 -c \
            "import sys; s = sys.stdin.read(); print(s[:300] + ('…' if len(s) > 300 else ''))"
    else
        printf '%s (%s bytes)\n' "$STATUS" "$(wc -c <"$TMP/body")"
    fi
}

# field EXPR: a value of $BODY, e.g. field '["items"][0]["id"]'.
field() { printf '%s' "$BODY" | python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
auth() { printf 'Authorization: Bearer %s' "$1"; }
JSON='Content-Type: application/json'

# notices: how many subscribe messages the fake WeChat has received so far.
notices() { curl -s "$WECHAT/__fake__/log" | python3 -c \
    "import sys, json; print(len(json.load(sys.stdin)['messages']))"; }

# wait_notice COUNT: wait until WeChat has more than COUNT messages (the worker sends them).
wait_notice() {
    local before=$1 count
    for _ in $(seq 1 40); do
        count=$(notices)
        if [ "$count" -gt "$before" ]; then
            echo "WeChat received the notice (subscribe messages: $count)"
            return
        fi
        sleep 0.5
    done
    echo "no subscribe message reached WeChat: is the worker running (instance/worker.log)?" >&2
    exit 1
}
# A valid resident ID number (GB 11643) of a person born 1990-03-07 in 金水区, new each run.
ID_NUMBER=$(python3 - "$RUN" <<'PY'
import sys
first17 = "41010519900307" + f"{int(sys.argv[1]) % 499 * 2 + 1:03d}"
weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print(first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11])
PY
)
WRONG_ID=${ID_NUMBER:0:17}$([ "${ID_NUMBER:17}" = 0 ] && echo 1 || echo 0)

step "The service is up"
call GET "$API/readyz" 200

echo
echo "#### 1. A delivery rider joins the union (扫码入会)"
step "The rider logs in from the mini-program and binds a phone number"
call POST "$B/auth/wechat-login" 200 -H "$JSON" -d "{\"code\": \"user-rider$RUN-1\"}"
RIDER=$(field '["token"]')
call POST "$B/me/phone" 200 -H "$(auth "$RIDER")" -H "$JSON" \
    -d "{\"code\": \"phone-13912345678-$RUN\"}"

step "A reviewer of 金水区 finds the join code of 金水区小微企业联合工会"
call POST "$B/admin/auth/login" 200 -H "$JSON" \
    -d "{\"username\": \"jinshui_reviewer\", \"password\": \"$PASSWORD\"}"
REVIEWER=$(field '["token"]')
call GET "$B/admin/orgs" 200 -G --data-urlencode "q=小微企业" -H "$(auth "$REVIEWER")"
ORG=$(field '["items"][0]["id"]')
call GET "$B/admin/orgs/$ORG/join-codes" 200 -H "$(auth "$REVIEWER")"
SCENE=$(field '["items"][0]["scene"]')

step "The rider scans it, reads the privacy notice and applies; a wrong ID number is refused with the reason"
call GET "$B/join/scenes/$SCENE" 200
call GET "$B/privacy-notice" 200
CONSENT=$(field '["version"]')
call POST "$B/join/applications" 422 -H "$(auth "$RIDER")" -H "$JSON" \
    -d "{\"scene\": \"$SCENE\", \"name\": \"王小明\", \"id_number\": \"$WRONG_ID\",
         \"phone\": \"13912345678\", \"occupation\": \"food_delivery\",
         \"consent_version\": \"$CONSENT\"}"
[ "$(field '["error"]')" = id_number_checksum ] || { echo "expected id_number_checksum" >&2; exit 1; }
call POST "$B/join/applications" 201 -H "$(auth "$RIDER")" -H "$JSON" \
    -H "Idempotency-Key: walk-$RUN" \
    -d "{\"scene\": \"$SCENE\", \"name\": \"王小明\", \"id_number\": \"$ID_NUMBER\",
         \"phone\": \"13912345678\", \"occupation\": \"food_delivery\",
         \"consent_version\": \"$CONSENT\"}"
APPLICATION=$(field '["id"]')

step "The reviewer approves; the worker sends the WeChat notice; the card is ready"
SENT=$(notices)
call POST "$B/admin/join/applications/$APPLICATION/approve" 200 -H "$(auth "$REVIEWER")"
wait_notice "$SENT"
call GET "$B/me/card" 200 -H "$(auth "$RIDER")"

step "Staff reports: the overview, and the member roster as Excel (audited)"
call GET "$B/admin/stats/overview" 200 -H "$(auth "$REVIEWER")"
call GET "$B/admin/members/export" 200 -H "$(auth "$REVIEWER")"
cp "$TMP/body" members.xlsx
[ "$(head -c 2 members.xlsx)" = PK ] || { echo "the export is not an xlsx" >&2; exit 1; }
echo "saved as members.xlsx"

echo
echo "#### 2. An outdoor worker near 二七广场 finds a station (爱心驿站)"
step "Open stations with water and a charger, nearest first"
call GET "$B/stations/nearby?lat=34.7466&lng=113.6253&services=water,charging&open_now=true&limit=3" 200
STATION=$(field '["items"][0]["id"]')
call GET "$B/stations/$STATION" 200
step "The worker tells the union the station is worth it"
call POST "$B/stations/$STATION/feedback" 201 -H "$(auth "$RIDER")" -H "$JSON" \
    -d '{"type": "praise", "content": "水很热，充电方便，谢谢！"}'

echo
echo "#### 3. A small enterprise's owner applies for the union-fee refund (工会经费返还)"
YEAR=$(( $(date +%Y) - 1 ))
step "City finance opens the refund window for $YEAR (once)"
call POST "$B/admin/auth/login" 200 -H "$JSON" \
    -d "{\"username\": \"city_finance\", \"password\": \"$PASSWORD\"}"
FINANCE=$(field '["token"]')
call GET "$B/refunds/policies" 200
OPEN=$(printf '%s' "$BODY" | python3 -c "
import sys, json
year = '$YEAR'
print(any(p['period_start'] <= f'{year}-12-31' and p['period_end'] >= f'{year}-01-01'
          for p in json.load(sys.stdin)['items']))")
if [ "$OPEN" = False ]; then
    call POST "$B/admin/refunds/policies" 201 -H "$(auth "$FINANCE")" -H "$JSON" \
        -d "{\"name\": \"$YEAR 年度小额缴费工会组织经费返还\", \"period_start\": \"$YEAR-01-01\",
             \"period_end\": \"$YEAR-12-31\", \"apply_from\": \"$(date +%Y)-01-01\",
             \"apply_until\": \"$(date +%Y)-12-31\", \"eligible_size_classes\": [\"small\", \"micro\"],
             \"max_paid_fen\": null, \"refund_ratio\": \"1.00\", \"grassroots_share\": \"0.65\"}"
fi

step "The owner logs in (a demo code user-owner1-N: any N, once each) and registers the enterprise"
call POST "$B/auth/wechat-login" 200 -H "$JSON" -d "{\"code\": \"user-owner1-$RUN\"}"
OWNER=$(field '["token"]')
USCC=$(python3 - "$RUN" <<'PY'
import sys
alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
def code(first17):
    total = sum(alphabet.index(c) * w for c, w in zip(first17, weights))
    return first17 + alphabet[(31 - total % 31) % 31]
serial = f"{int(sys.argv[1]) % 100000:05d}"
print(code("91410105MA9W" + serial), code("81410105MC9W" + serial))
PY
)
read -r USCC UNION_USCC <<<"$USCC"
call POST "$B/refunds/enterprises" 201 -H "$(auth "$OWNER")" -H "$JSON" \
    -d "{\"name\": \"郑州金水晨光文化传媒有限公司$RUN\", \"uscc\": \"$USCC\",
         \"industry\": \"software_it\", \"employees\": 12, \"revenue_wan\": \"260\",
         \"district_code\": \"410105\", \"union_name\": \"郑州金水晨光文化传媒有限公司工会委员会\",
         \"union_uscc\": \"$UNION_USCC\", \"union_established_on\": \"2021-04-01\",
         \"bank_account_name\": \"郑州金水晨光文化传媒有限公司工会委员会\",
         \"bank_name\": \"中国工商银行郑州分行\", \"bank_account_no\": \"6222020200112233445\",
         \"contact_name\": \"李晨\", \"contact_phone\": \"13800138000\"}"
ENTERPRISE=$(field '["id"]')

step "The owner applies for $YEAR, uploads the three required files and submits"
call POST "$B/refunds/applications" 201 -H "$(auth "$OWNER")" -H "$JSON" \
    -d "{\"enterprise_id\": $ENTERPRISE, \"year\": $YEAR, \"paid_fen\": 345600}"
REFUND=$(field '["id"]')
REFUNDABLE=$(field '["refundable_fen"]')
printf '%%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' >"$TMP/scan.pdf"
for kind in tax_receipt business_license union_certificate; do
    call POST "$B/refunds/applications/$REFUND/attachments" 201 -H "$(auth "$OWNER")" \
        -F "kind=$kind" -F "file=@$TMP/scan.pdf;type=application/pdf"
done
call POST "$B/refunds/applications/$REFUND/submit" 200 -H "$(auth "$OWNER")"

step "金水区 reviews it (jinshui_refunds); city finance pays it; the owner is told"
call POST "$B/admin/auth/login" 200 -H "$JSON" \
    -d "{\"username\": \"jinshui_refunds\", \"password\": \"$PASSWORD\"}"
REFUNDS=$(field '["token"]')
SENT=$(notices)
call POST "$B/admin/refunds/applications/$REFUND/review" 200 -H "$(auth "$REFUNDS")" \
    -H "$JSON" -d '{"decision": "approve", "note": "材料齐全"}'
call POST "$B/admin/refunds/applications/$REFUND/pay" 200 -H "$(auth "$FINANCE")" \
    -H "$JSON" -d "{\"voucher_no\": \"PZ$RUN\", \"paid_at\": \"$(date +%F)\", \"paid_fen\": $REFUNDABLE}"
wait_notice "$SENT"
call GET "$B/refunds/applications/$REFUND" 200 -H "$(auth "$OWNER")"
[ "$(field '["status"]')" = paid ] || { echo "expected the application paid" >&2; exit 1; }

echo
echo "The three journeys went through."
