/*
 * The merge planner: which functions of an application are merged into
 * which library, under the limits a user sets.
 *
 * The input is a weighted call graph (plan_inputs.c builds it from the
 * build's call graphs, the manifest's hints and profiles, or reads one a
 * user wrote). Every library has one entry, the function it exports: the
 * public functions, and every function some library still calls by RPC.
 * A library merges a set of functions reachable from its entry that
 *   - holds the entry, and reaches each member from the entry through
 *     members (a function no fused call reaches would be dead weight);
 *   - holds a strongly connected component (a cycle) of what its entry
 *     reaches whole or not at all; the entry's own cycle too, or, when that
 *     cycle does not fit the limits, the entry alone and no other function
 *     of its cycle;
 *   - holds no function the user said never to merge, but its entry;
 *   - has at most max_functions functions and max_code_bytes of code (the
 *     sum of its functions' sizes), when those limits are set.
 * Among these, it maximises the weight of the calls between its members
 * (each fused in that library); ties go to more functions, then to less
 * code. Without limits that is everything the entry reaches. With limits
 * the choice is a rooted, connected knapsack over the cycles' DAG: searched
 * exactly (branch and bound) when the entry reaches at most exact_up_to
 * cycles, else chosen greedily (plan.c says how).
 */
#ifndef FAASFUSE_PLAN_H
#define FAASFUSE_PLAN_H

#include <stdbool.h>
#include <stddef.h>

struct plan_function {
  const char *name;
  unsigned long size;  /* code bytes */
  bool is_public;      /* called from outside: always deployed */
  bool never;          /* never merged into another function's library */
  bool calls_anything; /* has a call by a run-time name no hint bounds */
};

struct plan_edge {
  size_t from, to; /* indices of functions */
  double weight;   /* calls (or bytes) per the profiles; 1 when static */
};

struct plan_graph {
  struct plan_function *funcs;
  size_t nfuncs;
  struct plan_edge *edges; /* at most one per (from, to) */
  size_t nedges;
};

struct plan_limits {
  long max_functions;           /* 0: no limit */
  unsigned long max_code_bytes; /* 0: no limit */
  size_t exact_up_to;           /* cycles an exact search may take */
};

enum plan_method { PLAN_ALL, PLAN_EXACT, PLAN_HEURISTIC };

struct plan_library {
  size_t entry;
  size_t *members; /* the entry first, then in the graph's order */
  size_t nmembers;
  unsigned long code_bytes;
  double fused_weight; /* the weight of the calls between members */
  enum plan_method method;
  size_t candidates; /* parts (functions, or cycles of them) searched */
  bool cycle_split;  /* the entry's cycle did not fit: the entry alone */
  bool entry_over;   /* the entry alone is over max_code_bytes */
};

struct plan {
  struct plan_library *libs; /* public entries in the graph's order, then
                              * the functions libraries call, as found */
  size_t nlibs;
  bool *deployed;    /* per function: it has its own library and workers */
  long *library_of;  /* per function: the index of its library, or -1 */
  bool *in_library;  /* per function: merged into some library */
  bool all_deployed; /* a run-time name no hint bounds: every function */
};

/* 0, or -1 when out of memory. */
int plan_make(const struct plan_graph *g, const struct plan_limits *lim,
              struct plan *p);
void plan_free(struct plan *p);

/* The library whose entry is f, or NULL. */
const struct plan_library *plan_library_of(const struct plan *p, size_t f);
bool plan_library_has(const struct plan_library *l, size_t f);

#endif
