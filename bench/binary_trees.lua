-- Benchmark: binary-trees — the Lua twin of binary_trees.hako (the classic
-- iteration counts, as there).
local MAX_DEPTH = 16

local TreeNode = {}
TreeNode.__index = TreeNode

function TreeNode.new(left, right)
  return setmetatable({left = left, right = right}, TreeNode)
end

function TreeNode:check()
  if self.left == nil then
    return 1
  end
  return 1 + self.left:check() + self.right:check()
end

local function bottom_up(depth)
  if depth == 0 then
    return TreeNode.new(nil, nil)
  end
  return TreeNode.new(bottom_up(depth - 1), bottom_up(depth - 1))
end

local function main()
  local max_depth = MAX_DEPTH
  local min_depth = 4
  local iter_divisor = 1
  local stretch_depth = max_depth + 1
  print(string.format("stretch tree of depth %d\t check: %d", stretch_depth, bottom_up(stretch_depth):check()))
  local long_lived = bottom_up(max_depth)
  local depth = min_depth
  while depth <= max_depth do
    local iterations = (1 << (max_depth - depth + min_depth)) // iter_divisor
    local check = 0
    for _ = 1, iterations do
      check = check + bottom_up(depth):check()
    end
    print(string.format("%d\t trees of depth %d\t check: %d", iterations, depth, check))
    depth = depth + 2
  end
  print(string.format("long lived tree of depth %d\t check: %d", max_depth, long_lived:check()))
end

main()
