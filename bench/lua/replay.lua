-- POST one prepared request per line of REPLAY_FILE ("path<TAB>token<TAB>json body"),
-- each line once, split between threads; a thread stops when its share is answered.
-- A connection with nothing left to send waits IDLE_MS, then asks GET /healthz (not
-- counted), so a thread done early adds next to no load while the other one finishes.
-- A request lost with its connection never gets an answer: once every line is sent, a
-- thread that heard no answer for REPLAY_GRACE seconds (longer than wrk's --timeout)
-- finishes at its last answer, and the harness counts the rest as lost.
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
local IDLE = '^%s*{%s*"status"%s*:%s*"ok"%s*}%s*$'
local IDLE_MS = 500
local GRACE_NS = (tonumber(os.getenv("REPLAY_GRACE")) or 40) * 1000000000
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  statuses, lines, next_line, answered, finished_ns = {}, {}, 1, 0, 0
  -- wrk calls request() of the first thread once before connecting, only to check it
  checking = id == 0
  last_answer_ns = now_ns()
  local count = tonumber(os.getenv("REPLAY_THREADS"))
  local index = 0
  for line in io.lines(os.getenv("REPLAY_FILE")) do
    if index % count == id then table.insert(lines, line) end
    index = index + 1
  end
end

local function finish(at_ns)
  finished_ns = at_ns
  local done = os.getenv("REPLAY_DONE")
  if done then io.open(done .. "." .. id, "w"):close() end
  wrk.thread:stop()
end

function delay()
  if lines[next_line] ~= nil then return 0 end
  if finished_ns == 0 and now_ns() - last_answer_ns > GRACE_NS then finish(last_answer_ns) end
  return IDLE_MS
end

function request()
  local line = lines[next_line]
  if line == nil then return wrk.format("GET", "/healthz") end
  if checking then checking = false else next_line = next_line + 1 end
  local path, token, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
  return wrk.format("POST", path, {["Content-Type"] = "application/json",
                                    ["Authorization"] = "Bearer " .. token}, body)
end

function response(status, headers, body)
  if status == 200 and body and body:match(IDLE) then return end
  if answered < #lines then
    answered = answered + 1
    last_answer_ns = now_ns()
    statuses[status] = (statuses[status] or 0) + 1
    if answered == #lines then finish(last_answer_ns) end
  end
end

function done(summary, latency, requests)
  report.done(threads, summary)
end
