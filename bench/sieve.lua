-- Benchmark: the sieve of Eratosthenes over a table of booleans — the Lua
-- twin of sieve.hako (Lua tables count from 1, hence flags[i + 1]).
local N = 10000000

local function main()
  local n = N
  local flags = {}
  local i = 0
  while i < n do
    flags[#flags + 1] = true
    i = i + 1
  end
  flags[1] = false
  flags[2] = false
  local p = 2
  while p * p < n do
    if flags[p + 1] then
      local j = p * p
      while j < n do
        flags[j + 1] = false
        j = j + p
      end
    end
    p = p + 1
  end
  local count = 0
  local total = 0
  i = 0
  while i < n do
    if flags[i + 1] then
      count = count + 1
      total = total + i
    end
    i = i + 1
  end
  print(count)
  print(total)
end

main()
