/*
 * graph.h — a directed graph over dense node numbers and the search for one
 * cycle in each strongly connected component (the leak report's cycles).
 */
#ifndef REML_GRAPH_H
#define REML_GRAPH_H

#include <stddef.h>
#include <stdint.h>

/* Nodes are 0 .. n-1; the successors of v are succ[first[v] .. first[v+1]). */
typedef struct reml_graph {
  uint32_t n;
  const size_t* first; /* n + 1 offsets into succ */
  const uint32_t* succ;
} reml_graph_t;

/* Receives one cycle: nodes[0] -> nodes[1] -> ... -> nodes[len-1] -> nodes[0]. */
typedef void (*reml_cycle_fn)(void* ctx, const uint32_t* nodes, uint32_t len);

/* Calls `fn` once for every strongly connected component that contains a
 * cycle (more than one node, or one node with an edge to itself), with a
 * shortest cycle through the component's root. Uses heap worklists only, so
 * a component of millions of nodes cannot overflow the C stack. */
void reml_graph_cycles(const reml_graph_t* g, reml_cycle_fn fn, void* ctx);

#endif /* REML_GRAPH_H */
