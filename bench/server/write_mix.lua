-- wrk script: the signed-in write mix (bench/server/run.sh): follow-up ratings (GAD-7) and
-- weights, half each, over patients 1..PATIENTS, each with the session's CSRF token.
local cookie = os.getenv("BENCH_COOKIE")
local csrf = os.getenv("BENCH_CSRF")
local patients = tonumber(os.getenv("BENCH_PATIENTS") or "50")
local n = 0
request = function()
  n = n + 1
  local id = (n * 7919) % patients + 1
  local headers = { ["Cookie"] = cookie, ["X-CSRF-Token"] = csrf,
                    ["Content-Type"] = "application/json" }
  if n % 2 == 0 then
    return wrk.format("POST", "/api/v1/patients/" .. id .. "/assessments", headers,
                      '{"scale":"gad-7","items":[2,2,1,2,1,1,2]}')
  end
  return wrk.format("POST", "/api/v1/patients/" .. id .. "/weights", headers,
                    '{"weight_kg":' .. (60 + n % 20) .. '}')
end
