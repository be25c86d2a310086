-- Benchmark: a particle simulation — the Lua twin of particles.hako.
local STEPS = 6000

local Vec = {}
Vec.__index = Vec

function Vec.new(x, y)
  return setmetatable({x = x, y = y}, Vec)
end

function Vec:add(o)
  return Vec.new(self.x + o.x, self.y + o.y)
end

local Particle = {}
Particle.__index = Particle

function Particle.new(pos, vel)
  return setmetatable({pos = pos, vel = vel}, Particle)
end

-- Moves one step; gives the number of walls hit (0, 1 or 2).
function Particle:step(size)
  self.pos = self.pos:add(self.vel)
  local hits = 0
  if self.pos.x < 0 or self.pos.x >= size then
    self.vel = Vec.new(0 - self.vel.x, self.vel.y)
    hits = hits + 1
  end
  if self.pos.y < 0 or self.pos.y >= size then
    self.vel = Vec.new(self.vel.x, 0 - self.vel.y)
    hits = hits + 1
  end
  return hits
end

local function main()
  local steps = STEPS
  local particles = 2000
  local size = 10000
  local all = {}
  local x = 12345
  local i = 0
  while i < particles do
    x = (x * 1103515245 + 12345) % 2147483648
    local px = (x // 16) % size
    x = (x * 1103515245 + 12345) % 2147483648
    local py = (x // 16) % size
    x = (x * 1103515245 + 12345) % 2147483648
    local vx = (x // 16) % 201 - 100
    x = (x * 1103515245 + 12345) % 2147483648
    local vy = (x // 16) % 201 - 100
    all[#all + 1] = Particle.new(Vec.new(px, py), Vec.new(vx, vy))
    i = i + 1
  end
  local hits = 0
  local s = 0
  while s < steps do
    i = 0
    while i < particles do
      hits = hits + all[i + 1]:step(size)
      i = i + 1
    end
    s = s + 1
  end
  local total = 0
  i = 0
  while i < particles do
    local p = all[i + 1]
    total = total + (p.pos.x * 7 + p.pos.y * 3 + p.vel.x + p.vel.y) * (i + 1)
    i = i + 1
  end
  print(hits)
  print(total)
end

main()
