-- wrk script: the signed-in read mix (bench/server/run.sh): the work list of open alerts, a
-- patient's chart, and a patient's response, one third each, over patients 1..PATIENTS.
local cookie = os.getenv("BENCH_COOKIE")
local patients = tonumber(os.getenv("BENCH_PATIENTS") or "50")
local n = 0
request = function()
  n = n + 1
  local id = (n * 7919) % patients + 1
  local path
  if n % 3 == 0 then
    path = "/api/v1/alerts"
  elseif n % 3 == 1 then
    path = "/api/v1/patients/" .. id
  else
    path = "/api/v1/patients/" .. id .. "/response"
  end
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end
