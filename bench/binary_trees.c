/* Benchmark: binary-trees, max depth 16 — the C twin of binary_trees.hako
 * (the classic iteration counts, as there). Like the classic C
 * program it frees every tree once checked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_DEPTH 16

typedef struct TreeNode {
  struct TreeNode* left;
  struct TreeNode* right;
} TreeNode;

static TreeNode* new_node(TreeNode* left, TreeNode* right) {
  TreeNode* n = malloc(sizeof *n);
  if (!n) {
    fputs("out of memory\n", stderr);
    exit(1);
  }
  n->left = left;
  n->right = right;
  return n;
}

static TreeNode* bottom_up(int64_t depth) {
  if (depth == 0) return new_node(NULL, NULL);
  TreeNode* left = bottom_up(depth - 1);
  return new_node(left, bottom_up(depth - 1));
}

static int64_t check(const TreeNode* n) {
  if (n->left == NULL) return 1;
  return 1 + check(n->left) + check(n->right);
}

static void delete_tree(TreeNode* n) {
  if (n->left != NULL) {
    delete_tree(n->left);
    delete_tree(n->right);
  }
  free(n);
}

int main(void) {
  const int64_t max_depth = MAX_DEPTH, min_depth = 4, iter_divisor = 1;
  const int64_t stretch_depth = max_depth + 1;
  TreeNode* stretch = bottom_up(stretch_depth);
  printf("stretch tree of depth %lld\t check: %lld\n", (long long)stretch_depth, (long long)check(stretch));
  delete_tree(stretch);
  TreeNode* long_lived = bottom_up(max_depth);
  for (int64_t depth = min_depth; depth <= max_depth; depth += 2) {
    int64_t iterations = ((int64_t)1 << (max_depth - depth + min_depth)) / iter_divisor;
    int64_t sum = 0;
    for (int64_t i = 0; i < iterations; i++) {
      TreeNode* t = bottom_up(depth);
      sum += check(t);
      delete_tree(t);
    }
    printf("%lld\t trees of depth %lld\t check: %lld\n", (long long)iterations, (long long)depth, (long long)sum);
  }
  printf("long lived tree of depth %lld\t check: %lld\n", (long long)max_depth, (long long)check(long_lived));
  delete_tree(long_lived);
  return 0;
}
