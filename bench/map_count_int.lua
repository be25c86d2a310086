-- Benchmark: counting integer keys in a table — the Lua twin of
-- map_count_int.hako. A Lua table has no size of its keys, so it is counted
-- once at the end.
local N = 4000000

local function main()
  local n = N
  local keys = 500000
  local m = {}
  local x = 12345
  local i = 0
  while i < n do
    x = (x * 1103515245 + 12345) % 2147483648
    local k = (x // 16) % keys * 7919
    if m[k] ~= nil then
      m[k] = m[k] + 1
    else
      m[k] = 1
    end
    i = i + 1
  end
  local total = 0
  i = 0
  while i < keys do
    local k = i * 7919
    if m[k] ~= nil then
      total = total + m[k] * (i + 1)
    end
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
