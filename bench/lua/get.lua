-- GET the same path on every request; counts statuses per thread.
local report = require("report")  -- done()'s lines, bench/lua/report.lua
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  report.done(threads, summary)
end
