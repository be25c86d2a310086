-- Benchmark: table append then index — the Lua twin of array.hako (Lua
-- tables count from 1, hence a[i + 1]).
local N = 8000000

local function main()
  local n = N
  local a = {}
  local i = 0
  while i < n do
    a[#a + 1] = i * 2
    i = i + 1
  end
  local total = 0
  i = 0
  while i < #a do
    total = total + a[i + 1]
    i = i + 1
  end
  print(total)
end

main()
