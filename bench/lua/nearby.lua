-- Nearby search from random points of a box (env NEARBY_BOX = "minLat,minLng,maxLat,maxLng").
local report = require("report")  -- done()'s lines, bench/lua/report.lua
local threads = {}
local box = {}
for v in string.gmatch(os.getenv("NEARBY_BOX") or "34.70,113.55,34.85,113.80", "[^,]+") do
  table.insert(box, tonumber(v))
end
local query = os.getenv("NEARBY_QUERY") or "radius=3000&limit=20"
local path = os.getenv("NEARBY_PATH") or "/api/v1/stations/nearby"
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  statuses = {}
  math.randomseed(1000 + id)
end
function request()
  local lat = box[1] + math.random() * (box[3] - box[1])
  local lng = box[2] + math.random() * (box[4] - box[2])
  return wrk.format("GET", string.format("%s?lat=%.6f&lng=%.6f&%s", path, lat, lng, query))
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  report.done(threads, summary)
end
