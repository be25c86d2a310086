-- Benchmark: building strings — the Lua twin of string_build.hako. Lua's
-- string.find counts from 1 and gives nil when the text is absent; index_of
-- turns that into Hako's indexOf (from 0, -1 when absent).
local ROUNDS = 40000

local function index_of(s, t)
  local at = string.find(s, t, 1, true)
  if at == nil then
    return -1
  end
  return at - 1
end

local function main()
  local rounds = ROUNDS
  local total = 0
  local found = 0
  local r = 0
  while r < rounds do
    local parts = {}
    local i = 0
    while i < 100 do
      parts[#parts + 1] = "" .. (r * 100 + i) * 7
      i = i + 1
    end
    local line = table.concat(parts, ",")
    total = total + #line
    local at = index_of(line, "," .. (r * 700 + 350) .. ",")
    total = total + at
    if index_of(line, "777") >= 0 then
      found = found + 1
    end
    local s = ""
    local j = 0
    while j < 20 do
      s = s .. j .. ";"
      j = j + 1
    end
    total = total + #s + index_of(s, "19;")
    r = r + 1
  end
  print(total)
  print(found)
end

main()
