-- What every script's done() prints for bench/wrk.py to read: "STATUS <code> <count>" per
-- thread and status, "FINISHED <ns>" per thread that records when its share was answered
-- (finished_ns, as the replays do), and "ERRORS connect read write timeout" for the run.
-- Loaded by `require("report")`: bench/wrk.py puts this folder on LUA_PATH.
local report = {}

function report.done(threads, summary)
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      io.write(string.format("STATUS %d %d\n", code, count))
    end
    local finished = thread:get("finished_ns")
    if finished ~= nil then io.write(string.format("FINISHED %d\n", finished)) end
  end
  local e = summary.errors
  io.write(string.format("ERRORS connect %d read %d write %d timeout %d\n",
                         e.connect, e.read, e.write, e.timeout))
end

return report
