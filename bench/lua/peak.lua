-- The peak-hour mix: each request drawn at random, by weight, from what the mini-program and
-- the console send at once. Env: NEARBY_BOX ("minLat,minLng,maxLat,maxLng"), NEARBY_QUERY,
-- PEAK_MEMBERS (a file of member tokens, one a line), PEAK_FORMS (a file of
-- "token<TAB>join form JSON", each sent once), PEAK_STAFF (a staff token), PEAK_LOGIN
-- (a prefix for fresh wx.login codes), PEAK_COUNTS (where done() writes
-- "KIND <kind> <status> <count>" lines). Each request is tagged in X-Request-ID (the
-- service echoes it), so an answer is counted under the kind it answers.
local report = require("report")  -- done()'s lines, bench/lua/report.lua
local threads = {}
local box = {}
for v in string.gmatch(os.getenv("NEARBY_BOX"), "[^,]+") do table.insert(box, tonumber(v)) end
local query = os.getenv("NEARBY_QUERY")
-- (kind, weight in percent): 70 nearby, 10 card and me, 10 submissions, 5 logins, 5 staff
local MIX = {{"nearby", 70}, {"card", 5}, {"me", 5}, {"join", 10}, {"login", 5},
             {"staff_members", 3}, {"staff_queue", 2}}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function read_lines(path, share, count)
  local lines, index = {}, 0
  for line in io.lines(path) do
    if share == nil or index % count == share then table.insert(lines, line) end
    index = index + 1
  end
  return lines
end

function init(args)
  counts, statuses, serial = {}, {}, 0
  math.randomseed(4000 + id)
  local count = tonumber(os.getenv("REPLAY_THREADS"))
  members = read_lines(os.getenv("PEAK_MEMBERS"))
  forms = read_lines(os.getenv("PEAK_FORMS"), id, count)
  next_form = 1
  staff = "Bearer " .. os.getenv("PEAK_STAFF")
  login = os.getenv("PEAK_LOGIN") .. "t" .. id .. "n"
end

local function pick()
  local roll, sum = math.random(100), 0
  for _, entry in ipairs(MIX) do
    sum = sum + entry[2]
    if roll <= sum then return entry[1] end
  end
end

local function tagged(kind, headers)
  serial = serial + 1
  headers["X-Request-ID"] = string.format("peak-%s-%d-%d", kind, id, serial)
  return headers
end

local function member()
  return "Bearer " .. members[math.random(#members)]
end

function request()
  local kind = pick()
  if kind == "join" and forms[next_form] == nil then kind = "me" end  -- all forms sent
  if kind == "nearby" then
    local lat = box[1] + math.random() * (box[3] - box[1])
    local lng = box[2] + math.random() * (box[4] - box[2])
    return wrk.format("GET", string.format("/api/v1/stations/nearby?lat=%.6f&lng=%.6f&%s",
                                           lat, lng, query), tagged(kind, {}))
  elseif kind == "card" or kind == "me" then
    local path = kind == "card" and "/api/v1/me/card" or "/api/v1/me"
    return wrk.format("GET", path, tagged(kind, {["Authorization"] = member()}))
  elseif kind == "join" then
    local token, form = forms[next_form]:match("^([^\t]+)\t(.*)$")
    next_form = next_form + 1
    return wrk.format("POST", "/api/v1/join/applications", tagged(kind, {
      ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}), form)
  elseif kind == "login" then
    return wrk.format("POST", "/api/v1/auth/wechat-login",
                      tagged(kind, {["Content-Type"] = "application/json"}),
                      string.format('{"code": "user-%s%d-1"}', login, serial + 1))
  end
  local path = kind == "staff_members" and "/api/v1/admin/members"
               or "/api/v1/admin/join/applications"
  return wrk.format("GET", path, tagged(kind, {["Authorization"] = staff}))
end

function response(status, headers, body)
  local kind = (headers["X-Request-ID"] or ""):match("^peak%-([%a_]+)%-")
  if kind == nil then kind = "untagged" end
  statuses[status] = (statuses[status] or 0) + 1
  local key = kind .. " " .. status
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  report.done(threads, summary)
  local out = io.open(os.getenv("PEAK_COUNTS"), "w")
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("counts")) do
      out:write(string.format("KIND %s %d\n", key, count))
    end
  end
  out:close()
end
