-- wrk script for scripts/bench-webhooks.sh: POSTs Meta-shaped ad_account webhook notifications to /webhooks/meta,
-- each with a unique change (so none is deduplicated) and signed like Meta signs them:
-- X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>, computed here per request (pure LuaJIT).
-- Environment: BENCH_APP_SECRET (the server's METASYNC_APP_SECRET).

local bit = require("bit")
local band, bor, bxor, bnot, rshift, lshift, ror, tobit, tohex =
  bit.band, bit.bor, bit.bxor, bit.bnot, bit.rshift, bit.lshift, bit.ror, bit.tobit, bit.tohex

local K = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}
for i = 1, 64 do K[i] = tobit(K[i]) end

-- SHA-256 of a Lua string; returns the eight 32-bit words.
local function sha256_words(msg)
  local len = #msg
  local bits = len * 8
  msg = msg .. "\128" .. string.rep("\0", (55 - len) % 64)
    .. string.char(0, 0, 0, 0)
    .. string.char(band(rshift(bits, 24), 255), band(rshift(bits, 16), 255), band(rshift(bits, 8), 255), band(bits, 255))
  local H = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 }
  for i = 1, 8 do H[i] = tobit(H[i]) end
  local w = {}
  for chunk = 1, #msg, 64 do
    for i = 0, 15 do
      local a, b, c, d = msg:byte(chunk + i * 4, chunk + i * 4 + 3)
      w[i] = bor(lshift(a, 24), lshift(b, 16), lshift(c, 8), d)
    end
    for i = 16, 63 do
      local x, y = w[i - 15], w[i - 2]
      local s0 = bxor(ror(x, 7), ror(x, 18), rshift(x, 3))
      local s1 = bxor(ror(y, 17), ror(y, 19), rshift(y, 10))
      w[i] = tobit(w[i - 16] + s0 + w[i - 7] + s1)
    end
    local a, b, c, d, e, f, g, h = H[1], H[2], H[3], H[4], H[5], H[6], H[7], H[8]
    for i = 0, 63 do
      local S1 = bxor(ror(e, 6), ror(e, 11), ror(e, 25))
      local ch = bxor(band(e, f), band(bnot(e), g))
      local t1 = tobit(h + S1 + ch + K[i + 1] + w[i])
      local S0 = bxor(ror(a, 2), ror(a, 13), ror(a, 22))
      local maj = bxor(band(a, b), band(a, c), band(b, c))
      local t2 = tobit(S0 + maj)
      h, g, f, e, d, c, b, a = g, f, e, tobit(d + t1), c, b, a, tobit(t1 + t2)
    end
    H[1], H[2], H[3], H[4] = tobit(H[1] + a), tobit(H[2] + b), tobit(H[3] + c), tobit(H[4] + d)
    H[5], H[6], H[7], H[8] = tobit(H[5] + e), tobit(H[6] + f), tobit(H[7] + g), tobit(H[8] + h)
  end
  return H
end

local function words_to_bytes(H)
  local out = {}
  for i = 1, 8 do
    local x = H[i]
    out[i] = string.char(band(rshift(x, 24), 255), band(rshift(x, 16), 255), band(rshift(x, 8), 255), band(x, 255))
  end
  return table.concat(out)
end

local secret = os.getenv("BENCH_APP_SECRET") or "bench-secret"
if #secret > 64 then secret = words_to_bytes(sha256_words(secret)) end
secret = secret .. string.rep("\0", 64 - #secret)
local ipad, opad = {}, {}
for i = 1, 64 do
  local k = secret:byte(i)
  ipad[i] = string.char(bxor(k, 0x36))
  opad[i] = string.char(bxor(k, 0x5c))
end
ipad, opad = table.concat(ipad), table.concat(opad)

-- Hex HMAC-SHA256 of msg with the app secret.
local function hmac_hex(msg)
  local outer = sha256_words(opad .. words_to_bytes(sha256_words(ipad .. msg)))
  local hex = {}
  for i = 1, 8 do hex[i] = tohex(outer[i], 8) end
  return table.concat(hex)
end

-- Per-thread state: a thread id (set in setup) makes every object id unique across threads.
local threads = {}
counter = 0
non200 = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  -- Self-check against a known vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
  local saved_i, saved_o = ipad, opad
  local key = "key" .. string.rep("\0", 61)
  local i2, o2 = {}, {}
  for i = 1, 64 do i2[i] = string.char(bxor(key:byte(i), 0x36)); o2[i] = string.char(bxor(key:byte(i), 0x5c)) end
  ipad, opad = table.concat(i2), table.concat(o2)
  local check = hmac_hex("The quick brown fox jumps over the lazy dog")
  ipad, opad = saved_i, saved_o
  assert(check == "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", "HMAC self-check failed: " .. check)
end

function request()
  counter = counter + 1
  local id = string.format("%d%09d", tid, counter)
  local body = '{"object":"ad_account","entry":[{"id":"1234567890","time":1782862117,"changes":[{"field":"with_issues_ad_objects",'
    .. '"value":{"id":"' .. id .. '","level":"AD","error_code":"567","error_summary":"bench","error_message":"bench"}}]}]}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Hub-Signature-256"] = "sha256=" .. hmac_hex(body),
  }
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local bad, generated = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non200") or 0)
    generated = generated + (t:get("counter") or 0)
  end
  io.write(string.format("BENCH requests=%d generated=%d non200=%d socket_errors=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f duration_s=%.2f\n",
    summary.requests, generated, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, summary.duration / 1e6))
end
