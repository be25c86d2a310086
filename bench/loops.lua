-- Benchmark: nested integer loops — the Lua twin of loops.hako.
local N = 10000

local function main()
  local n = N
  local total = 0
  local i = 0
  while i < n do
    local j = 0
    while j < n do
      total = total + ((i * j) & 255)
      j = j + 1
    end
    i = i + 1
  end
  print(total)
end

main()
