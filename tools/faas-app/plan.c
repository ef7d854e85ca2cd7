/*
 * The merge planner (plan.h says what a plan is). For each library entry:
 *
 *   1. the functions the entry reaches, through functions that may be
 *      merged (never-merge ones stop the walk), and their cycles (Tarjan);
 *      when the entry's own cycle is over the limits, its other functions
 *      are taken out and the walk is done again;
 *   2. the cycles' DAG in topological order, the entry's first; each cycle
 *      a unit with its size, functions and inner weight, and the weight of
 *      the calls between units;
 *   3. no limits: every unit. Else, with at most exact_up_to units, branch
 *      and bound: units in topological order, each in (when a unit in
 *      already calls it) or out, cut when the limits are passed or when
 *      even every weight still open cannot beat the best; else greedy: from
 *      the entry, add the unit called by the set with the largest gain (its
 *      inner weight and the calls between it and the set) per share of the
 *      tightest limit it uses, while one fits; done once from the entry
 *      alone and once from the entry with the path to each unit, the best
 *      kept (a unit worth little may lead to one worth much).
 *
 * Libraries are planned for the public functions, then for every function
 * a planned library calls by RPC, until none is new. When a function that
 * runs in some library calls a run-time name no hint bounds, every
 * function may be called by RPC, so every one gets its own library.
 */
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "plan.h"

/* Out edges per function (compressed rows). */
struct adjacency {
  size_t *start; /* nfuncs + 1 */
  size_t *edge;  /* indices into g->edges, grouped by from */
};

static int adjacency_make(const struct plan_graph *g, struct adjacency *a) {
  a->start = calloc(g->nfuncs + 1, sizeof *a->start);
  a->edge = reallocarray(NULL, g->nedges + 1, sizeof *a->edge);
  if (a->start == NULL || a->edge == NULL)
    return -1;
  for (size_t e = 0; e < g->nedges; e++)
    a->start[g->edges[e].from + 1]++;
  for (size_t f = 0; f < g->nfuncs; f++)
    a->start[f + 1] += a->start[f];
  size_t *fill = calloc(g->nfuncs + 1, sizeof *fill);
  if (fill == NULL)
    return -1;
  for (size_t e = 0; e < g->nedges; e++) {
    size_t f = g->edges[e].from;
    a->edge[a->start[f] + fill[f]++] = e;
  }
  free(fill);
  return 0;
}

/* ---- one library --------------------------------------------------------- */

/* The search's state for one entry. */
struct planner {
  const struct plan_graph *g;
  const struct adjacency *adj;
  const struct plan_limits *lim;
  size_t entry;
  bool *excluded;  /* per function: of the entry's cycle, which is split */
  bool *reached;   /* per function: the entry reaches it */
  size_t *reach_list, nreach; /* the functions reached, in the walk's order */
  bool *mark;      /* per function: scratch, all false between uses */
  size_t *unit_of; /* per reached function: its unit */
  /* Tarjan's */
  size_t *index, *low, *stack, nstack, counter;
  bool *on_stack;
  size_t nunits; /* units, numbered in reverse topological order */
  /* per unit, in topological order (renumbered): */
  unsigned long *usize;
  long *ucount;
  double *uinner;
  /* calls between units: from < to in topological order */
  size_t *xfrom, *xto, nx;
  double *xw;
  /* the search */
  bool *in, *best;
  double best_weight;
  long best_count;
  unsigned long best_size;
  bool have_best;
};

/* May f be in the library of s->entry? */
static bool allowed(const struct planner *s, size_t f) {
  return f == s->entry || (!s->g->funcs[f].never && !s->excluded[f]);
}

/* Everything the entry reaches through functions allowed in its library;
 * s->stack is free here (Tarjan's comes after). */
static void walk(struct planner *s, size_t entry) {
  size_t top = 0;
  s->reached[entry] = true;
  s->reach_list[s->nreach++] = entry;
  s->stack[top++] = entry;
  while (top > 0) {
    size_t f = s->stack[--top];
    for (size_t k = s->adj->start[f]; k < s->adj->start[f + 1]; k++) {
      size_t t = s->g->edges[s->adj->edge[k]].to;
      if (!s->reached[t] && allowed(s, t)) {
        s->reached[t] = true;
        s->reach_list[s->nreach++] = t;
        s->stack[top++] = t;
      }
    }
  }
}

static void tarjan(struct planner *s, size_t f) {
  s->index[f] = s->low[f] = ++s->counter;
  s->stack[s->nstack++] = f;
  s->on_stack[f] = true;
  for (size_t k = s->adj->start[f]; k < s->adj->start[f + 1]; k++) {
    size_t t = s->g->edges[s->adj->edge[k]].to;
    if (!s->reached[t])
      continue;
    if (s->index[t] == 0) {
      tarjan(s, t);
      if (s->low[t] < s->low[f])
        s->low[f] = s->low[t];
    } else if (s->on_stack[t] && s->index[t] < s->low[f]) {
      s->low[f] = s->index[t];
    }
  }
  if (s->low[f] != s->index[f])
    return;
  size_t u = s->nunits++, t;
  do {
    t = s->stack[--s->nstack];
    s->on_stack[t] = false;
    s->unit_of[t] = u;
  } while (t != f);
}

/* Steps 1 and 2 for entry: reached functions, units in topological order
 * (the entry's unit is 0). */
static void units_of(struct planner *s, size_t entry) {
  /* What the last walk marked, unmarked: the work is what is reached, not
   * the whole graph. */
  for (size_t k = 0; k < s->nreach; k++)
    s->reached[s->reach_list[k]] = false, s->index[s->reach_list[k]] = 0;
  s->nreach = s->nstack = s->counter = s->nunits = 0;
  walk(s, entry);
  tarjan(s, entry);
  /* Tarjan finishes a unit after every unit it calls: reverse. */
  for (size_t k = 0; k < s->nreach; k++) {
    size_t f = s->reach_list[k];
    s->unit_of[f] = s->nunits - 1 - s->unit_of[f];
  }
}

static bool fits(const struct planner *s, long count, unsigned long size) {
  return (s->lim->max_functions <= 0 || count <= s->lim->max_functions) &&
         (s->lim->max_code_bytes == 0 || size <= s->lim->max_code_bytes);
}

static void unit_totals(struct planner *s) {
  const struct plan_graph *g = s->g;
  memset(s->usize, 0, s->nunits * sizeof *s->usize);
  memset(s->ucount, 0, s->nunits * sizeof *s->ucount);
  memset(s->uinner, 0, s->nunits * sizeof *s->uinner);
  s->nx = 0;
  for (size_t k = 0; k < s->nreach; k++) {
    size_t a = s->reach_list[k], ua = s->unit_of[a];
    s->usize[ua] += g->funcs[a].size;
    s->ucount[ua]++;
    for (size_t j = s->adj->start[a]; j < s->adj->start[a + 1]; j++) {
      const struct plan_edge *e = &g->edges[s->adj->edge[j]];
      if (!s->reached[e->to])
        continue;
      size_t ub = s->unit_of[e->to];
      if (ua == ub) {
        s->uinner[ua] += e->weight;
      } else {
        s->xfrom[s->nx] = ua;
        s->xto[s->nx] = ub;
        s->xw[s->nx++] = e->weight;
      }
    }
  }
}

/* Is candidate (weight, count, size) better than the best so far? */
static bool better(const struct planner *s, double w, long count,
                   unsigned long size) {
  if (!s->have_best || w > s->best_weight)
    return true;
  if (w < s->best_weight)
    return false;
  return count > s->best_count ||
         (count == s->best_count && size < s->best_size);
}

static void keep_best(struct planner *s, double w, long count,
                      unsigned long size) {
  memcpy(s->best, s->in, s->nunits * sizeof *s->in);
  s->best_weight = w;
  s->best_count = count;
  s->best_size = size;
  s->have_best = true;
}

/* Units 0..u-1 are decided. */
static void branch(struct planner *s, size_t u, double w, long count,
                   unsigned long size) {
  if (u == s->nunits) {
    if (better(s, w, count, size))
      keep_best(s, w, count, size);
    return;
  }
  /* The most the rest could add: every unit not out yet, with every call
   * into it from a unit not out. */
  double open = 0;
  for (size_t v = u; v < s->nunits; v++)
    open += s->uinner[v];
  for (size_t x = 0; x < s->nx; x++)
    if (s->xto[x] >= u && (s->xfrom[x] >= u || s->in[s->xfrom[x]]))
      open += s->xw[x];
  if (s->have_best && w + open < s->best_weight)
    return;
  double gain = s->uinner[u];
  bool called = false;
  for (size_t x = 0; x < s->nx; x++)
    if (s->xto[x] == u && s->in[s->xfrom[x]]) {
      called = true;
      gain += s->xw[x];
    }
  if (called && fits(s, count + s->ucount[u], size + s->usize[u])) {
    s->in[u] = true;
    branch(s, u + 1, w + gain, count + s->ucount[u], size + s->usize[u]);
    s->in[u] = false;
  }
  branch(s, u + 1, w, count, size);
}

/* A unit's share of the tightest limit it uses (never 0). */
static double cost(const struct planner *s, size_t u) {
  double c = 1e-9;
  if (s->lim->max_functions > 0 &&
      (double)s->ucount[u] / (double)s->lim->max_functions > c)
    c = (double)s->ucount[u] / (double)s->lim->max_functions;
  if (s->lim->max_code_bytes > 0 &&
      (double)s->usize[u] / (double)s->lim->max_code_bytes > c)
    c = (double)s->usize[u] / (double)s->lim->max_code_bytes;
  return c;
}

/* The calls between units, per unit (both ends), for the greedy search. */
struct unit_edges {
  size_t *start, *x;
};

static int unit_edges_make(const struct planner *s, struct unit_edges *ue) {
  ue->start = calloc(s->nunits + 2, sizeof *ue->start);
  ue->x = reallocarray(NULL, 2 * s->nx + 1, sizeof *ue->x);
  size_t *fill = calloc(s->nunits + 1, sizeof *fill);
  if (ue->start == NULL || ue->x == NULL || fill == NULL) {
    free(fill);
    return -1;
  }
  for (size_t x = 0; x < s->nx; x++)
    ue->start[s->xfrom[x] + 1]++, ue->start[s->xto[x] + 1]++;
  for (size_t u = 0; u < s->nunits; u++)
    ue->start[u + 1] += ue->start[u];
  for (size_t x = 0; x < s->nx; x++) {
    ue->x[ue->start[s->xfrom[x]] + fill[s->xfrom[x]]++] = x;
    ue->x[ue->start[s->xto[x]] + fill[s->xto[x]]++] = x;
  }
  free(fill);
  return 0;
}

/* Greedy fill from the units already in: while one fits, add the unit a
 * unit in calls with the largest gain per share of the tightest limit. */
static void greedy_fill(struct planner *s, const struct unit_edges *ue,
                        double *gain, bool *called) {
  long count = 0;
  unsigned long size = 0;
  double w = 0;
  for (size_t u = 0; u < s->nunits; u++)
    gain[u] = s->uinner[u], called[u] = u == 0;
  for (size_t u = 0; u < s->nunits; u++)
    if (s->in[u])
      count += s->ucount[u], size += s->usize[u], w += s->uinner[u];
  for (size_t x = 0; x < s->nx; x++) {
    size_t a = s->xfrom[x], b = s->xto[x];
    if (s->in[a] && s->in[b])
      w += s->xw[x];
    else if (s->in[a])
      gain[b] += s->xw[x], called[b] = true;
    else if (s->in[b])
      gain[a] += s->xw[x];
  }
  for (;;) {
    size_t pick = s->nunits;
    double pick_score = -1;
    for (size_t u = 1; u < s->nunits; u++) {
      if (s->in[u] || !called[u] ||
          !fits(s, count + s->ucount[u], size + s->usize[u]))
        continue;
      double score = gain[u] / cost(s, u);
      if (score > pick_score ||
          (score == pick_score && gain[u] > gain[pick]))
        pick = u, pick_score = score;
    }
    if (pick == s->nunits)
      break;
    s->in[pick] = true;
    count += s->ucount[pick];
    size += s->usize[pick];
    w += gain[pick];
    for (size_t k = ue->start[pick]; k < ue->start[pick + 1]; k++) {
      size_t x = ue->x[k];
      size_t other = s->xfrom[x] == pick ? s->xto[x] : s->xfrom[x];
      if (s->in[other])
        continue;
      gain[other] += s->xw[x];
      if (s->xfrom[x] == pick)
        called[other] = true;
    }
  }
  if (better(s, w, count, size))
    keep_best(s, w, count, size);
}

/* Greedy from the entry alone, and from the entry with the path to each
 * unit (the fewest units that reach it), so that a unit worth little that
 * leads to one worth much is not passed over; the best of these. */
static int greedy(struct planner *s) {
  struct unit_edges ue = {0};
  size_t *parent = reallocarray(NULL, s->nunits + 1, sizeof *parent);
  size_t *queue = reallocarray(NULL, s->nunits + 1, sizeof *queue);
  double *gain = reallocarray(NULL, s->nunits + 1, sizeof *gain);
  bool *called = calloc(s->nunits + 1, sizeof *called);
  int rc = -1;
  if (parent == NULL || queue == NULL || gain == NULL || called == NULL ||
      unit_edges_make(s, &ue) != 0)
    goto out;
  /* breadth first from the entry's unit over the calls between units */
  for (size_t u = 0; u < s->nunits; u++)
    parent[u] = s->nunits;
  parent[0] = 0;
  size_t nq = 0;
  queue[nq++] = 0;
  for (size_t q = 0; q < nq; q++) {
    size_t u = queue[q];
    for (size_t k = ue.start[u]; k < ue.start[u + 1]; k++) {
      size_t x = ue.x[k];
      if (s->xfrom[x] == u && parent[s->xto[x]] == s->nunits)
        parent[s->xto[x]] = u, queue[nq++] = s->xto[x];
    }
  }
  for (size_t seed = 0; seed < s->nunits; seed++) {
    long count = 0;
    unsigned long size = 0;
    memset(s->in, 0, s->nunits * sizeof *s->in);
    for (size_t u = seed;; u = parent[u]) {
      s->in[u] = true;
      count += s->ucount[u];
      size += s->usize[u];
      if (u == 0)
        break;
    }
    if (seed == 0 || fits(s, count, size))
      greedy_fill(s, &ue, gain, called);
  }
  rc = 0;
out:
  free(ue.start);
  free(ue.x);
  free(parent);
  free(queue);
  free(gain);
  free(called);
  return rc;
}

static int size_cmp(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

static int plan_one(struct planner *s, size_t entry, struct plan_library *l) {
  const struct plan_graph *g = s->g;
  memset(l, 0, sizeof *l);
  l->entry = s->entry = entry;
  units_of(s, entry);
  unit_totals(s);
  size_t *split = NULL, nsplit = 0;
  if (s->ucount[0] > 1 && !fits(s, s->ucount[0], s->usize[0])) {
    if ((split = reallocarray(NULL, (size_t)s->ucount[0], sizeof *split)) ==
        NULL)
      return -1;
    for (size_t k = 0; k < s->nreach; k++) {
      size_t f = s->reach_list[k];
      if (s->unit_of[f] == 0 && f != entry)
        s->excluded[f] = true, split[nsplit++] = f;
    }
    l->cycle_split = true;
    units_of(s, entry);
    unit_totals(s);
  }
  l->entry_over = !fits(s, 1, g->funcs[entry].size);
  l->candidates = s->nunits;
  s->have_best = false;
  memset(s->in, 0, s->nunits * sizeof *s->in);
  int rc = 0;
  if (s->lim->max_functions <= 0 && s->lim->max_code_bytes == 0) {
    l->method = PLAN_ALL;
    double w = 0;
    for (size_t u = 0; u < s->nunits; u++)
      s->in[u] = true, w += s->uinner[u];
    for (size_t x = 0; x < s->nx; x++)
      w += s->xw[x];
    keep_best(s, w, 0, 0);
  } else if (s->nunits <= s->lim->exact_up_to) {
    l->method = PLAN_EXACT;
    s->in[0] = true;
    branch(s, 1, s->uinner[0], s->ucount[0], s->usize[0]);
  } else {
    l->method = PLAN_HEURISTIC;
    rc = greedy(s);
  }
  for (size_t k = 0; k < nsplit; k++)
    s->excluded[split[k]] = false;
  free(split);
  if (rc != 0 || (l->members = reallocarray(NULL, s->nreach + 1,
                                            sizeof *l->members)) == NULL)
    return -1;
  /* the entry first, then the others in the graph's order */
  for (size_t k = 0; k < s->nreach; k++) {
    size_t f = s->reach_list[k];
    if (f != entry && s->best[s->unit_of[f]])
      l->members[++l->nmembers] = f;
  }
  qsort(l->members + 1, l->nmembers, sizeof *l->members, size_cmp);
  l->members[0] = entry;
  l->nmembers++;
  for (size_t k = 0; k < l->nmembers; k++)
    s->mark[l->members[k]] = true;
  for (size_t k = 0; k < l->nmembers; k++) {
    size_t f = l->members[k];
    l->code_bytes += g->funcs[f].size;
    for (size_t j = s->adj->start[f]; j < s->adj->start[f + 1]; j++) {
      const struct plan_edge *e = &g->edges[s->adj->edge[j]];
      if (s->mark[e->to])
        l->fused_weight += e->weight;
    }
  }
  for (size_t k = 0; k < l->nmembers; k++)
    s->mark[l->members[k]] = false;
  return 0;
}

/* ---- every library --------------------------------------------------------- */

bool plan_library_has(const struct plan_library *l, size_t f) {
  return l->nmembers > 0 &&
         (l->members[0] == f ||
          bsearch(&f, l->members + 1, l->nmembers - 1, sizeof f, size_cmp) !=
              NULL);
}

const struct plan_library *plan_library_of(const struct plan *p, size_t f) {
  return p->library_of[f] >= 0 ? &p->libs[p->library_of[f]] : NULL;
}

void plan_free(struct plan *p) {
  for (size_t i = 0; i < p->nlibs; i++)
    free(p->libs[i].members);
  free(p->libs);
  free(p->deployed);
  free(p->library_of);
  free(p->in_library);
  memset(p, 0, sizeof *p);
}

int plan_make(const struct plan_graph *g, const struct plan_limits *lim,
              struct plan *p) {
  size_t n = g->nfuncs;
  struct adjacency adj = {0};
  struct planner s = {.g = g, .adj = &adj, .lim = lim};
  size_t *queue = reallocarray(NULL, n + 1, sizeof *queue), nq = 0;
  int rc = -1;

  memset(p, 0, sizeof *p);
  p->deployed = calloc(n + 1, sizeof *p->deployed);
  p->in_library = calloc(n + 1, sizeof *p->in_library);
  p->library_of = reallocarray(NULL, n + 1, sizeof *p->library_of);
  p->libs = reallocarray(NULL, n + 1, sizeof *p->libs);
  s.excluded = calloc(n + 1, sizeof *s.excluded);
  s.mark = calloc(n + 1, sizeof *s.mark);
  s.reach_list = reallocarray(NULL, n + 1, sizeof *s.reach_list);
  s.reached = calloc(n + 1, sizeof *s.reached);
  s.on_stack = calloc(n + 1, sizeof *s.on_stack);
  s.unit_of = reallocarray(NULL, n + 1, sizeof *s.unit_of);
  s.index = calloc(n + 1, sizeof *s.index);
  s.low = reallocarray(NULL, n + 1, sizeof *s.low);
  s.stack = reallocarray(NULL, n + 1, sizeof *s.stack);
  s.usize = reallocarray(NULL, n + 1, sizeof *s.usize);
  s.ucount = reallocarray(NULL, n + 1, sizeof *s.ucount);
  s.uinner = reallocarray(NULL, n + 1, sizeof *s.uinner);
  s.in = calloc(n + 1, sizeof *s.in);
  s.best = calloc(n + 1, sizeof *s.best);
  s.xfrom = reallocarray(NULL, g->nedges + 1, sizeof *s.xfrom);
  s.xto = reallocarray(NULL, g->nedges + 1, sizeof *s.xto);
  s.xw = reallocarray(NULL, g->nedges + 1, sizeof *s.xw);
  if (queue == NULL || p->deployed == NULL || p->libs == NULL ||
      p->in_library == NULL || p->library_of == NULL || s.excluded == NULL ||
      s.mark == NULL || s.reach_list == NULL || s.reached == NULL ||
      s.on_stack == NULL ||
      s.unit_of == NULL || s.index == NULL || s.low == NULL ||
      s.stack == NULL || s.usize == NULL || s.ucount == NULL ||
      s.uinner == NULL || s.in == NULL || s.best == NULL || s.xfrom == NULL ||
      s.xto == NULL || s.xw == NULL || adjacency_make(g, &adj) != 0)
    goto out;

  for (size_t f = 0; f < n; f++)
    p->library_of[f] = -1;
  for (size_t f = 0; f < n; f++)
    if (g->funcs[f].is_public)
      p->deployed[f] = true, queue[nq++] = f;
  for (size_t q = 0;; q++) {
    if (q == nq) {
      /* A run-time name no hint bounds, in code that runs: any function
       * may be called by RPC. */
      bool any = false;
      for (size_t i = 0; i < p->nlibs && !any; i++)
        for (size_t k = 0; k < p->libs[i].nmembers && !any; k++)
          any = g->funcs[p->libs[i].members[k]].calls_anything;
      if (!any || p->all_deployed)
        break;
      p->all_deployed = true;
      for (size_t f = 0; f < n; f++)
        if (!p->deployed[f])
          p->deployed[f] = true, queue[nq++] = f;
      if (q == nq)
        break;
    }
    struct plan_library *l = &p->libs[p->nlibs];
    if (plan_one(&s, queue[q], l) != 0)
      goto out;
    p->library_of[queue[q]] = (long)p->nlibs++;
    for (size_t k = 0; k < l->nmembers; k++)
      s.mark[l->members[k]] = p->in_library[l->members[k]] = true;
    for (size_t k = 0; k < l->nmembers; k++) {
      size_t f = l->members[k];
      for (size_t j = adj.start[f]; j < adj.start[f + 1]; j++) {
        size_t t = g->edges[adj.edge[j]].to;
        if (!p->deployed[t] && !s.mark[t])
          p->deployed[t] = true, queue[nq++] = t;
      }
    }
    for (size_t k = 0; k < l->nmembers; k++)
      s.mark[l->members[k]] = false;
  }
  rc = 0;
out:
  if (rc != 0)
    plan_free(p);
  free(queue);
  free(adj.start);
  free(adj.edge);
  free(s.excluded);
  free(s.mark);
  free(s.reach_list);
  free(s.reached);
  free(s.on_stack);
  free(s.unit_of);
  free(s.index);
  free(s.low);
  free(s.stack);
  free(s.usize);
  free(s.ucount);
  free(s.uinner);
  free(s.in);
  free(s.best);
  free(s.xfrom);
  free(s.xto);
  free(s.xw);
  return rc;
}
