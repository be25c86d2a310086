-- Benchmark: method calls on objects — the Lua twin of methods.hako.
local N = 20000000

local Counter = {}
Counter.__index = Counter

function Counter.new()
  local self = setmetatable({}, Counter)
  self.n = 0
  return self
end

function Counter:add(k)
  self.n = self.n + k
end

function Counter:get()
  return self.n
end

local function main()
  local n = N
  local c = Counter.new()
  local check = 0
  local i = 0
  while i < n do
    c:add(i % 7)
    check = check + c:get() % 3
    i = i + 1
  end
  print(c:get())
  print(check)
end

main()
