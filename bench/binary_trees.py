# Benchmark: binary-trees, max depth 16 — the Python twin of binary_trees.hako
# (the classic iteration counts, as there).
MAX_DEPTH = 16


class TreeNode:
    __slots__ = ("left", "right")

    def __init__(self, left, right):
        self.left = left
        self.right = right

    def check(self):
        if self.left is None:
            return 1
        return 1 + self.left.check() + self.right.check()


def bottom_up(depth):
    if depth == 0:
        return TreeNode(None, None)
    return TreeNode(bottom_up(depth - 1), bottom_up(depth - 1))


def main():
    max_depth = MAX_DEPTH
    min_depth = 4
    iter_divisor = 1
    stretch_depth = max_depth + 1
    print("stretch tree of depth %d\t check: %d" % (stretch_depth, bottom_up(stretch_depth).check()))
    long_lived = bottom_up(max_depth)
    depth = min_depth
    while depth <= max_depth:
        iterations = (1 << (max_depth - depth + min_depth)) // iter_divisor
        check = 0
        for _ in range(iterations):
            check += bottom_up(depth).check()
        print("%d\t trees of depth %d\t check: %d" % (iterations, depth, check))
        depth += 2
    print("long lived tree of depth %d\t check: %d" % (max_depth, long_lived.check()))


main()
