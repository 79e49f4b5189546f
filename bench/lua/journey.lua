-- The collective sign-up as each rider's phone makes it. Every line of REPLAY_FILE is one
-- rider ("login code<TAB>phone code<TAB>join form JSON"): POST /auth/wechat-login, then,
-- with the token that login answered, POST /me/phone and POST /join/applications, each
-- step sent only once the previous one is answered. A step is tagged in X-Request-ID
-- (the service echoes it), so an answer names its rider whatever connection it came on;
-- the rider's next step goes out first in line, on the next connection free, which is the
-- one that brought the answer (wrk frees a connection as it reads an answer). Riders are
-- split between threads; a rider whose step fails sends nothing more. Idle connections
-- wait IDLE_MS, then ask GET /healthz (not counted); a thread stops when every step of its
-- riders is answered or abandoned, or REPLAY_GRACE seconds after its last answer.
local report = require("report")  -- done()'s lines, bench/lua/report.lua
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
]]
local clock = ffi.new("bench_timespec")
local function now_ns()
  ffi.C.clock_gettime(0, clock)  -- CLOCK_REALTIME, comparable with Python's time.time_ns()
  return tonumber(clock.tv_sec) * 1000000000 + tonumber(clock.tv_nsec)
end
local PATHS = {"/api/v1/auth/wechat-login", "/api/v1/me/phone", "/api/v1/join/applications"}
local WANTED = {200, 200, 201}
local IDLE_MS = 500
local GRACE_NS = (tonumber(os.getenv("REPLAY_GRACE")) or 40) * 1000000000
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  statuses, riders, ready, first, last = {}, {}, {}, 1, 0
  next_rider, answered, abandoned, finished_ns = 1, 0, 0, 0
  -- wrk calls request() of the first thread once before connecting, only to check it
  checking = id == 0
  last_answer_ns = now_ns()
  local count = tonumber(os.getenv("REPLAY_THREADS"))
  local index = 0
  for line in io.lines(os.getenv("REPLAY_FILE")) do
    if index % count == id then
      local login, phone, form = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
      table.insert(riders, {login = login, phone = phone, form = form})
    end
    index = index + 1
  end
  steps = 3 * #riders
end

local function finish(at_ns)
  finished_ns = at_ns
  local done = os.getenv("REPLAY_DONE")
  if done then io.open(done .. "." .. id, "w"):close() end
  wrk.thread:stop()
end

local function has_work()
  return first <= last or next_rider <= #riders
end

function delay()
  if has_work() then return 0 end
  if finished_ns == 0 and now_ns() - last_answer_ns > GRACE_NS then finish(last_answer_ns) end
  return IDLE_MS
end

local function format(n, step)
  local rider = riders[n]
  local headers = {["Content-Type"] = "application/json",
                   ["X-Request-ID"] = string.format("rider-%d-%d-%d", id, n, step)}
  local body
  if step == 1 then
    body = string.format('{"code": "%s"}', rider.login)
  else
    headers["Authorization"] = "Bearer " .. rider.token
    body = step == 2 and string.format('{"code": "%s"}', rider.phone) or rider.form
  end
  return wrk.format("POST", PATHS[step], headers, body)
end

function request()
  if checking then
    checking = false
    return format(1, 1)
  end
  if first <= last then  -- a rider under way before a new one
    local entry = ready[first]
    ready[first] = nil
    first = first + 1
    return format(entry[1], entry[2])
  end
  if next_rider <= #riders then
    next_rider = next_rider + 1
    return format(next_rider - 1, 1)
  end
  return wrk.format("GET", "/healthz")
end

function response(status, headers, body)
  local tag = headers["X-Request-ID"] or ""
  local thread, n, step = tag:match("^rider%-(%d+)%-(%d+)%-(%d)$")
  if n == nil or tonumber(thread) ~= id then return end
  n, step = tonumber(n), tonumber(step)
  answered = answered + 1
  last_answer_ns = now_ns()
  statuses[status] = (statuses[status] or 0) + 1
  local token = step == 1 and body and body:match('"token"%s*:%s*"([^"]+)"')
  if status ~= WANTED[step] or (step == 1 and not token) then
    abandoned = abandoned + 3 - step
  elseif step < 3 then
    if token then riders[n].token = token end
    last = last + 1
    ready[last] = {n, step + 1}
  end
  if answered + abandoned == steps then finish(last_answer_ns) end
end

function done(summary, latency, requests)
  report.done(threads, summary)
end
