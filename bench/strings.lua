-- Benchmark: string building — the Lua twin of strings.hako.
local N = 1000000

local function main()
  local n = N
  local total = 0
  local lines = 0
  local line = ""
  local i = 0
  while i < n do
    local s = "item-" .. i
    local t = s .. ":" .. #s
    total = total + #t
    line = line .. "x"
    if #line >= 100 then
      lines = lines + 1
      line = ""
    end
    i = i + 1
  end
  print(total)
  print(lines)
end

main()
