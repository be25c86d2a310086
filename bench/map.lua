-- Benchmark: table set and get with integer and string keys — the Lua twin
-- of map.hako. A Lua table has no size of its keys, so it is counted once at
-- the end.
local N = 250000

local function main()
  local n = N
  local m = {}
  local i = 0
  while i < n do
    m[i] = i
    m["k" .. i] = i * 3
    i = i + 1
  end
  local total = 0
  i = 0
  while i < n do
    total = total + m[i] + m["k" .. i]
    i = i + 1
  end
  print(total)
  local size = 0
  for _ in pairs(m) do
    size = size + 1
  end
  print(size)
end

main()
