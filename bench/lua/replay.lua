-- POST one prepared request per line of REPLAY_FILE ("path<TAB>token<TAB>json body"),
-- each line once, split between threads; a thread stops when its share is sent.
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  statuses, lines, next_line, answered, finished_ns = {}, {}, 1, 0, 0
  local count = tonumber(os.getenv("REPLAY_THREADS"))
  local index = 0
  for line in io.lines(os.getenv("REPLAY_FILE")) do
    if index % count == id then table.insert(lines, line) end
    index = index + 1
  end
end
function request()
  local line = lines[next_line]
  if line == nil then return wrk.format("GET", "/healthz") end
  next_line = next_line + 1
  local path, token, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
  return wrk.format("POST", path, {["Content-Type"] = "application/json",
                                    ["Authorization"] = "Bearer " .. token}, body)
end
function response(status, headers, body)
  if answered < #lines then
    answered = answered + 1
    statuses[status] = (statuses[status] or 0) + 1
    if answered == #lines then
      finished_ns = tonumber(io.popen("date +%s%N"):read("*l"))
      wrk.thread:stop()
    end
  end
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      io.write(string.format("STATUS %d %d\n", code, count))
    end
    io.write(string.format("FINISHED %d\n", thread:get("finished_ns")))
  end
end
