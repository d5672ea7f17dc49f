-- wrk-youth.lua — wrk posts valid youth forms (the e-service's
-- sysselsattning form) to kaa-fcgi or its PHP peer; bench/eservice-bench.sh
-- runs it.
--
-- Env:
--   WRK_PNR_FILE   Skatteverket test personnummer (12 digits, one a line) of
--                  youths aged 16-19 today; the bench writes it (required)
--   WRK_REFS_FILE  where done() writes every 303's reference, one a line
--   WRK_BODIES     distinct bodies per thread (default 1024)
--   WRK_SEED       varies the bodies (default 1)
--
-- Each body is what a browser sends from the form, with the answers varied:
-- every choice of the three radio groups; phone only, e-mail only or both;
-- the personnummer written with 12 or 10 digits, with or without the dash;
-- names and messages with å, ä and ö, sometimes a line break; and now and
-- then text in "utbildning"/"annat" when the occupation chosen is another
-- one (the server must drop it). Every body is valid, so each answer should
-- be a 303 to the receipt. done() prints one RESULT line: rps, latency
-- percentiles, 303s, other statuses and socket errors.

local GYMNASIUM = { "examen_hogskoleforberedande", "examen_yrke", "anpassad_bevis",
  "studerar", "studiebevis", "avbrott", "gymnasieintyg", "aldrig", "vet_inte" }
local SYSSELSATTNING = { "arbetar", "arbetssokande", "utbildning", "praktik", "annat" }
local KONTAKT = { "telefon", "sms", "epost", "nej" }
local FIRST = { "Alva", "Åsa", "Björn", "Märta", "Örjan", "Linnéa", "Noah", "Saga",
  "Göran", "Ebba", "Oscar", "Fatima", "Yusuf", "Ängla", "Mio", "Tuva" }
local LAST = { "Andersson", "Öberg", "Åkesson", "Lindström", "Bäckman", "Söderlund",
  "Nyström", "Hägg", "Sjöberg", "Mäkinen", "Nguyen", "Jönsson-Ek", "Ahmed", "Wallén" }
local SCHOOLS = { "Komvux, vård- och omsorgsutbildning", "Folkhögskola, allmän kurs",
  "Sfi, kurs C", "Yrkesutbildning till lastbilsförare", "Högskoleförberedande kurser på Komvux" }
local OTHER = { "Jag är hemma och letar efter något att göra.", "Jag reser i ett år.",
  "Jag hjälper till i familjens företag på helgerna.", "Jag väntar på besked om en plats." }
local SENTENCES = { "Det passar bäst att ni ringer efter klockan tre.",
  "Jag har sökt till Komvux till hösten men inte fått svar än.",
  "Jag vet inte riktigt vad jag vill göra och vill gärna prata med någon.",
  "Skicka gärna information om folkhögskolor i närheten.",
  "Min mobil är ibland avstängd på dagarna, så skicka hellre ett sms.",
  "Jag läser svenska på sfi och vill sedan gå ett yrkesprogram.",
  "Jag slutade på el- och energiprogrammet i ettan och vill börja om.",
  "Går det att få hjälp med att söka sommarjobb?" }
local DOMAINS = { "example.se", "mejl.example", "post.example.org" }

-- a small deterministic generator (Lehmer), the same in every wrk build
local function rng(seed)
  local s = seed % 2147483647
  if s <= 0 then s = s + 2147483646 end
  return function(lo, hi)
    s = (s * 48271) % 2147483647
    return lo + (s % (hi - lo + 1))
  end
end

local function pick(r, t) return t[r(1, #t)] end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(ch)
    if ch == " " then return "+" end
    return string.format("%%%02X", ch:byte())
  end))
end

local function ascii(s)
  return (s:lower():gsub("å", "a"):gsub("ä", "a"):gsub("ö", "o"):gsub("é", "e"):gsub("[^%w]", ""))
end

-- 12 digits as the form accepts them: YYYYMMDD-NNNN, YYMMDD-NNNN,
-- YYYYMMDDNNNN or YYMMDDNNNN (the century follows from the age).
local function written(r, p)
  local f = r(1, 4)
  if f == 1 then return p:sub(1, 8) .. "-" .. p:sub(9) end
  if f == 2 then return p:sub(3, 8) .. "-" .. p:sub(9) end
  if f == 3 then return p end
  return p:sub(3)
end

local function phone(r)
  local f = r(1, 3)
  if f == 1 then return string.format("07%d-%03d %02d %02d", r(0, 9), r(0, 999), r(0, 99), r(0, 99)) end
  if f == 2 then return string.format("+46 7%d %03d %02d %02d", r(0, 9), r(0, 999), r(0, 99), r(0, 99)) end
  return string.format("07%d%07d", r(0, 9), r(0, 9999999))
end

local function message(r)
  if r(1, 4) == 1 then return "" end
  local s = {}
  for i = 1, r(1, 4) do s[i] = pick(r, SENTENCES) end
  local m = table.concat(s, " ")
  if r(1, 3) == 1 then m = m .. "\r\nHälsningar" end
  return m
end

local function body(r, pnr)
  local fn, ln = pick(r, FIRST), pick(r, LAST)
  local contact = r(1, 3)   -- 1 phone, 2 e-mail, 3 both
  local tel = contact ~= 2 and phone(r) or ""
  local mail = contact ~= 1 and string.format("%s.%s%d@%s", ascii(fn), ascii(ln), r(1, 99), pick(r, DOMAINS)) or ""
  local occ = pick(r, SYSSELSATTNING)
  local edu = (occ == "utbildning" or r(1, 5) == 1) and pick(r, SCHOOLS) or ""
  local other = (occ == "annat" or r(1, 5) == 1) and pick(r, OTHER) or ""
  return "namn=" .. urlencode(fn .. " " .. ln)
    .. "&personnummer=" .. urlencode(written(r, pnr))
    .. "&telefon=" .. urlencode(tel)
    .. "&epost=" .. urlencode(mail)
    .. "&gymnasium=" .. pick(r, GYMNASIUM)
    .. "&sysselsattning=" .. occ
    .. "&utbildning=" .. urlencode(edu)
    .. "&annat=" .. urlencode(other)
    .. "&kontakt=" .. pick(r, KONTAKT)
    .. "&meddelande=" .. urlencode(message(r))
end

-- ------------------------------------------------------------ main thread
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_no", #threads)
end

-- ---------------------------------------------------------- worker threads
local bodies, idx = {}, 0
-- globals: done() reads them through thread:get
status_303, status_other, status_counts, refs = 0, 0, {}, {}

function init(args)
  local path = assert(os.getenv("WRK_PNR_FILE"), "WRK_PNR_FILE is not set")
  local pnrs = {}
  for line in io.lines(path) do
    if line:match("^%d%d%d%d%d%d%d%d%d%d%d%d$") then pnrs[#pnrs + 1] = line end
  end
  assert(#pnrs > 0, "no personnummer in " .. path)
  local n = tonumber(os.getenv("WRK_BODIES") or "") or 1024
  local r = rng(1000003 * (thread_no or 1) + 7919 * (tonumber(os.getenv("WRK_SEED") or "") or 1))
  for i = 1, n do bodies[i] = body(r, pick(r, pnrs)) end
  idx = r(0, n - 1)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  idx = idx % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[idx])
end

function response(status, headers, body)
  if status == 303 then
    status_303 = status_303 + 1
    local loc = headers["Location"] or headers["location"] or ""
    refs[#refs + 1] = loc:match("[?&]ref=([%w%-]+)") or "?"
  else
    status_other = status_other + 1
    status_counts[status] = (status_counts[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local n303, nother, other = 0, 0, {}
  local out = os.getenv("WRK_REFS_FILE")
  local f = out and assert(io.open(out, "w"))
  for _, t in ipairs(threads) do
    n303 = n303 + t:get("status_303")
    nother = nother + t:get("status_other")
    for k, v in pairs(t:get("status_counts")) do other[#other + 1] = k .. ":" .. v end
    if f then
      local rf = t:get("refs")
      for i = 1, #rf do f:write(rf[i], "\n") end
    end
  end
  if f then f:close() end
  local e = summary.errors
  local secs = summary.duration / 1e6
  local function ms(p) return latency:percentile(p) / 1000 end
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f"
    .. " p99_ms=%.2f max_ms=%.2f status303=%d other=%d [%s] err_connect=%d err_read=%d"
    .. " err_write=%d err_timeout=%d\n",
    summary.requests, secs, summary.requests / secs, ms(50), ms(90), ms(99), latency.max / 1000,
    n303, nother, table.concat(other, ","), e.connect, e.read, e.write, e.timeout))
end
