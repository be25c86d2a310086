-- Benchmark: table with string keys and integer values — the Lua twin of
-- map_str.hako. A Lua table has no size of its keys, so it is counted once
-- at the end.
local N = 3000000

local function main()
  local n = N
  local m = {}
  local keys = 100000
  local i = 0
  while i < keys do
    m["k" .. i] = 0
    i = i + 1
  end
  local x = 12345
  i = 0
  while i < n do
    x = (x * 1103515245 + 12345) % 2147483648
    local key = "k" .. (x // 16) % keys
    m[key] = m[key] + 1
    i = i + 1
  end
  local total = 0
  i = 0
  while i < keys do
    total = total + m["k" .. i] * (i + 1)
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
