-- wrk script: each request carries the next of N API keys (<prefix>0001..N, default load_key_0001..), round robin.
-- Requests are formatted once per thread in init(); request() only hands the next one out.
-- Usage: wrk ... -s keys.lua <url> -- <path> <keys> [<prefix>]
local requests = {}
local count = 0
local i = 0

function init(args)
  local path = args[1] or "/accept"
  count = tonumber(args[2] or "64")
  local prefix = args[3] or "load_key_"
  for k = 1, count do
    requests[k] = wrk.format("GET", path, { ["X-API-Key"] = string.format("%s%04d", prefix, k) })
  end
end

function request()
  i = i % count + 1
  return requests[i]
end
