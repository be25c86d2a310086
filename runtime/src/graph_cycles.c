/* graph_cycles.c — strongly connected components (Tarjan's algorithm with an
 * explicit frame stack instead of recursion) and, inside each cyclic
 * component, one shortest cycle through its root (breadth-first search
 * restricted to the component). Everything is O(nodes + edges). */
#include <stdlib.h>

#include "graph.h"
#include "internal.h"

#define NONE UINT32_MAX

/* One suspended visit: the node and the next successor edge to look at. */
typedef struct frame {
  uint32_t node;
  size_t edge;
} frame_t;

typedef struct tarjan {
  const reml_graph_t* g;
  uint32_t* index;  /* visit order, NONE before the visit */
  uint32_t* low;    /* smallest index reachable through the DFS subtree */
  uint32_t* comp;   /* component number, NONE while still on the stack */
  uint32_t* stack;  /* Tarjan's node stack */
  uint32_t sp;
  frame_t* frames;  /* the DFS path */
  uint32_t depth;
  uint32_t next_index;
  uint32_t next_comp;
  uint32_t* parent; /* BFS tree inside a component, NONE when unvisited */
  uint32_t* queue;  /* BFS queue, reused by every component */
  uint32_t* cycle;  /* the cycle handed to the callback */
} tarjan_t;

static void* alloc_nodes(uint32_t n, size_t elem) { return reml_xmalloc(reml_mul_size(n, elem)); }

static void enter(tarjan_t* t, uint32_t v) {
  t->index[v] = t->low[v] = t->next_index++;
  t->stack[t->sp++] = v;
  t->frames[t->depth++] = (frame_t){v, t->g->first[v]};
}

static int has_self_edge(const reml_graph_t* g, uint32_t v) {
  for (size_t e = g->first[v]; e < g->first[v + 1]; e++)
    if (g->succ[e] == v) return 1;
  return 0;
}

/* A shortest cycle through `root` inside component `c`, reported to `fn`. */
static void report_cycle(tarjan_t* t, uint32_t root, uint32_t c, reml_cycle_fn fn, void* ctx) {
  const reml_graph_t* g = t->g;
  uint32_t head = 0, tail = 0;
  t->parent[root] = root;
  t->queue[tail++] = root;
  while (head < tail) {
    uint32_t x = t->queue[head++];
    for (size_t e = g->first[x]; e < g->first[x + 1]; e++) {
      uint32_t w = g->succ[e];
      if (t->comp[w] != c) continue;
      if (w == root) {
        /* root -> ... -> x -> root: walk the BFS tree back from x. */
        uint32_t len = 0;
        for (uint32_t y = x; y != root; y = t->parent[y]) t->cycle[len++] = y;
        t->cycle[len++] = root;
        for (uint32_t i = 0, j = len - 1; i < j; i++, j--) {
          uint32_t tmp = t->cycle[i];
          t->cycle[i] = t->cycle[j];
          t->cycle[j] = tmp;
        }
        fn(ctx, t->cycle, len);
        return;
      }
      if (t->parent[w] == NONE) {
        t->parent[w] = x;
        t->queue[tail++] = w;
      }
    }
  }
}

/* `v` finished and is the root of a component: pop it and report a cycle. */
static void close_component(tarjan_t* t, uint32_t v, reml_cycle_fn fn, void* ctx) {
  uint32_t c = t->next_comp++;
  uint32_t size = 0;
  uint32_t w;
  do {
    w = t->stack[--t->sp];
    t->comp[w] = c;
    size++;
  } while (w != v);
  if (size > 1 || has_self_edge(t->g, v)) report_cycle(t, v, c, fn, ctx);
}

void reml_graph_cycles(const reml_graph_t* g, reml_cycle_fn fn, void* ctx) {
  uint32_t n = g->n;
  if (n == 0) return;
  tarjan_t t = {0};
  t.g = g;
  t.index = alloc_nodes(n, sizeof(uint32_t));
  t.low = alloc_nodes(n, sizeof(uint32_t));
  t.comp = alloc_nodes(n, sizeof(uint32_t));
  t.stack = alloc_nodes(n, sizeof(uint32_t));
  t.frames = alloc_nodes(n, sizeof(frame_t));
  t.parent = alloc_nodes(n, sizeof(uint32_t));
  t.queue = alloc_nodes(n, sizeof(uint32_t));
  t.cycle = alloc_nodes(n, sizeof(uint32_t));
  for (uint32_t v = 0; v < n; v++) t.index[v] = t.comp[v] = t.parent[v] = NONE;

  for (uint32_t start = 0; start < n; start++) {
    if (t.index[start] != NONE) continue;
    enter(&t, start);
    while (t.depth > 0) {
      frame_t* f = &t.frames[t.depth - 1];
      uint32_t v = f->node;
      if (f->edge < g->first[v + 1]) {
        uint32_t w = g->succ[f->edge++];
        if (t.index[w] == NONE) {
          enter(&t, w);
        } else if (t.comp[w] == NONE && t.index[w] < t.low[v]) {
          t.low[v] = t.index[w]; /* w is still on the stack: same component */
        }
        continue;
      }
      if (t.low[v] == t.index[v]) close_component(&t, v, fn, ctx);
      t.depth--;
      if (t.depth > 0) {
        uint32_t u = t.frames[t.depth - 1].node;
        if (t.low[v] < t.low[u]) t.low[u] = t.low[v];
      }
    }
  }
  free(t.index);
  free(t.low);
  free(t.comp);
  free(t.stack);
  free(t.frames);
  free(t.parent);
  free(t.queue);
  free(t.cycle);
}
