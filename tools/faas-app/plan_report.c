/*
 * A plan as a person reads it (a table on standard output) and as
 * faas-app deploy reads it (JSON). Both say, per public entry, the RPCs a
 * request makes before and after: counted from the entry's profile when
 * there is one (per request), else the call edges its requests may take.
 *
 * "After" follows each request through the plan: a function runs in the
 * library the call reached it in (the caller's, when merged there, else
 * its own); a call is still an RPC when, in some library its caller runs
 * in, the callee is not merged. A profile counts calls per caller and
 * callee, not per path, so a call whose caller runs in two libraries, fused
 * in one and not in the other, is counted as an RPC: "after" is at most
 * what the deployment makes. faas-app deploy measures it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <jansson.h>

#include "plan_report.h"

const struct plan_profile *plan_profile_of(const struct plan_input *in,
                                           size_t entry) {
  for (size_t k = 0; k < in->nprofiles; k++)
    if (in->profiles[k].entry == entry)
      return &in->profiles[k];
  return NULL;
}

/* A set of (library, function) pairs: open addressing, keys + 1 so that
 * 0 is empty. */
struct pair_set {
  unsigned long long *key;
  size_t cap, n;
};

static int pair_set_add(struct pair_set *ps, unsigned long long k) {
  if (2 * (ps->n + 1) > ps->cap) {
    struct pair_set big = {calloc(ps->cap ? ps->cap * 2 : 64, sizeof *big.key),
                           ps->cap ? ps->cap * 2 : 64, 0};
    if (big.key == NULL)
      return -1;
    for (size_t i = 0; i < ps->cap; i++)
      if (ps->key[i] != 0)
        pair_set_add(&big, ps->key[i] - 1);
    free(ps->key);
    *ps = big;
  }
  size_t i = (size_t)((k * 0x9E3779B97F4A7C15ull) >> 7) & (ps->cap - 1);
  while (ps->key[i] != 0) {
    if (ps->key[i] == k + 1)
      return 0;
    i = (i + 1) & (ps->cap - 1);
  }
  ps->key[i] = k + 1;
  ps->n++;
  return 1;
}

/* Where each function's out edges start in g->edges, which plan_inputs.c
 * sorts by caller: function f's are [starts[f], starts[f + 1]). NULL when
 * out of memory. */
static size_t *edge_starts(const struct plan_graph *g) {
  size_t *starts = calloc(g->nfuncs + 2, sizeof *starts);
  if (starts == NULL)
    return NULL;
  for (size_t e = 0; e < g->nedges; e++)
    starts[g->edges[e].from + 1]++;
  for (size_t f = 0; f < g->nfuncs; f++)
    starts[f + 1] += starts[f];
  return starts;
}

int plan_predict(const struct plan_input *in, const struct plan *p,
                 size_t entry, double *before, double *after) {
  const struct plan_graph *g = &in->g;
  const struct plan_profile *prof = plan_profile_of(in, entry);
  size_t n = g->nfuncs;
  size_t *start = edge_starts(g);
  bool *reached = calloc(g->nedges + 1, sizeof *reached);
  bool *rpc = calloc(g->nedges + 1, sizeof *rpc);
  struct pair_set seen = {0};
  /* (library, function) pairs to follow */
  unsigned long long *queue = NULL;
  size_t nq = 0, qcap = 0;
  long l0 = p->library_of[entry];
  int rc = -1;

  *before = *after = 0;
  if (start == NULL || reached == NULL || rpc == NULL || l0 < 0)
    goto out;
#define FOLLOW(l, f)                                                           \
  do {                                                                         \
    unsigned long long k_ = (unsigned long long)(l) * n + (f);                 \
    int r_ = pair_set_add(&seen, k_);                                          \
    if (r_ < 0)                                                                \
      goto out;                                                                \
    if (r_ > 0) {                                                              \
      if (nq == qcap) {                                                        \
        unsigned long long *q_ =                                               \
            reallocarray(queue, qcap = qcap ? qcap * 2 : 64, sizeof *q_);      \
        if (q_ == NULL)                                                        \
          goto out;                                                            \
        queue = q_;                                                            \
      }                                                                        \
      queue[nq++] = k_;                                                        \
    }                                                                          \
  } while (0)
  FOLLOW(l0, entry);
  for (size_t q = 0; q < nq; q++) {
    size_t l = (size_t)(queue[q] / n), f = (size_t)(queue[q] % n);
    for (size_t e = start[f]; e < start[f + 1]; e++) {
      size_t t = g->edges[e].to;
      long lt = (long)l;
      reached[e] = true;
      if (!plan_library_has(&p->libs[l], t)) {
        rpc[e] = true;
        lt = p->library_of[t];
      }
      if (lt >= 0)
        FOLLOW(lt, t);
    }
  }
#undef FOLLOW
  for (size_t e = 0; e < g->nedges; e++) {
    double w = prof != NULL ? prof->per_edge[e] /
                                  (prof->requests > 0 ? prof->requests : 1)
                            : 1;
    if (reached[e])
      *before += w;
    if (rpc[e])
      *after += w;
  }
  rc = 0;
out:
  free(start);
  free(reached);
  free(rpc);
  free(seen.key);
  free(queue);
  return rc;
}

/* ---- cycles of RPCs between libraries ------------------------------------ */

/* The libraries as a graph: i -> j when a function merged in library i
 * calls library j's entry by RPC. On Nightcore a nested call waits for a
 * free worker of its callee's and never makes one, so a cycle of such calls
 * deadlocks once its nesting is deeper than the workers it has. */
struct rpc_graph {
  size_t n;
  size_t *start, *to; /* compressed rows */
  size_t *index, *low, *stack, nstack, counter, *comp, ncomp;
  bool *on_stack;
  size_t *comp_size;
  bool *self; /* per library: calls itself by RPC */
};

static void rpc_tarjan(struct rpc_graph *r, size_t v) {
  r->index[v] = r->low[v] = ++r->counter;
  r->stack[r->nstack++] = v;
  r->on_stack[v] = true;
  for (size_t k = r->start[v]; k < r->start[v + 1]; k++) {
    size_t w = r->to[k];
    if (r->index[w] == 0) {
      rpc_tarjan(r, w);
      if (r->low[w] < r->low[v])
        r->low[v] = r->low[w];
    } else if (r->on_stack[w] && r->index[w] < r->low[v]) {
      r->low[v] = r->index[w];
    }
  }
  if (r->low[v] != r->index[v])
    return;
  size_t c = r->ncomp++, w;
  do {
    w = r->stack[--r->nstack];
    r->on_stack[w] = false;
    r->comp[w] = c;
    r->comp_size[c]++;
  } while (w != v);
}

static void rpc_graph_free(struct rpc_graph *r) {
  free(r->start), free(r->to), free(r->index), free(r->low);
  free(r->stack), free(r->comp), free(r->on_stack), free(r->comp_size);
  free(r->self);
}

/* Fills r; a library is on a cycle when its component has more than one
 * library or it calls itself. 0, or -1 out of memory. */
static int rpc_cycles(const struct plan_input *in, const struct plan *p,
                      struct rpc_graph *r) {
  const struct plan_graph *g = &in->g;
  size_t n = p->nlibs, cap = 0, m = 0;
  size_t *from = NULL, *to = NULL;
  memset(r, 0, sizeof *r);
  r->n = n;
  r->start = calloc(n + 2, sizeof *r->start);
  r->index = calloc(n + 1, sizeof *r->index);
  r->low = calloc(n + 1, sizeof *r->low);
  r->stack = calloc(n + 1, sizeof *r->stack);
  r->comp = calloc(n + 1, sizeof *r->comp);
  r->comp_size = calloc(n + 1, sizeof *r->comp_size);
  r->on_stack = calloc(n + 1, sizeof *r->on_stack);
  r->self = calloc(n + 1, sizeof *r->self);
  if (r->start == NULL || r->index == NULL || r->low == NULL ||
      r->stack == NULL || r->comp == NULL || r->comp_size == NULL ||
      r->on_stack == NULL || r->self == NULL)
    return -1;
  size_t *first = edge_starts(g);
  if (first == NULL)
    return -1;
  for (size_t i = 0; i < n; i++) {
    const struct plan_library *l = &p->libs[i];
    for (size_t k = 0; k < l->nmembers; k++)
      for (size_t e = first[l->members[k]]; e < first[l->members[k] + 1];
           e++) {
        size_t t = g->edges[e].to;
        long j = p->library_of[t];
        if (plan_library_has(l, t) || j < 0)
          continue;
        if (m == cap) {
          cap = cap ? cap * 2 : 64;
          size_t *a = reallocarray(from, cap, sizeof *a);
          size_t *b = a ? reallocarray(to, cap, sizeof *b) : NULL;
          if (a != NULL)
            from = a;
          if (b == NULL) {
            free(first), free(from), free(to);
            return -1;
          }
          to = b;
        }
        from[m] = i, to[m++] = (size_t)j;
        if ((size_t)j == i)
          r->self[i] = true;
      }
  }
  free(first);
  r->to = reallocarray(NULL, m + 1, sizeof *r->to);
  if (r->to == NULL) {
    free(from), free(to);
    return -1;
  }
  for (size_t k = 0; k < m; k++)
    r->start[from[k] + 1]++;
  for (size_t i = 0; i < n; i++)
    r->start[i + 1] += r->start[i];
  size_t *fill = calloc(n + 1, sizeof *fill);
  if (fill == NULL) {
    free(from), free(to);
    return -1;
  }
  for (size_t k = 0; k < m; k++)
    r->to[r->start[from[k]] + fill[from[k]]++] = to[k];
  free(fill), free(from), free(to);
  for (size_t i = 0; i < n; i++)
    if (r->index[i] == 0)
      rpc_tarjan(r, i);
  return 0;
}

static bool on_rpc_cycle(const struct rpc_graph *r, size_t i) {
  return r->comp_size[r->comp[i]] > 1 || r->self[i];
}

/* Prints "LABEL A, B, C" and a newline: the functions f with
 * in_library[f] == merged, deployed ones left out; nothing if none. */
static void print_functions(FILE *out, const struct plan_graph *g,
                            const struct plan *p, bool merged,
                            const char *label) {
  bool first = true;
  for (size_t f = 0; f < g->nfuncs; f++) {
    if (p->deployed[f] || p->in_library[f] != merged)
      continue;
    fprintf(out, "%s %s", first ? label : ",", g->funcs[f].name);
    first = false;
  }
  if (!first)
    fputc('\n', out);
}

static const char *method_name(enum plan_method m) {
  return m == PLAN_ALL ? "all" : m == PLAN_EXACT ? "exact" : "heuristic";
}

static void size_text(char out[32], unsigned long b) {
  if (b < 10240)
    snprintf(out, 32, "%lu B", b);
  else if (b < 10ul << 20)
    snprintf(out, 32, "%.1f KiB", (double)b / 1024);
  else
    snprintf(out, 32, "%.1f MiB", (double)b / (1 << 20));
}

static void weight_text(char out[32], double w) {
  if (w == (double)(long long)w && w < 1e15)
    snprintf(out, 32, "%lld", (long long)w);
  else
    snprintf(out, 32, "%.2f", w);
}

int plan_print(FILE *out, const struct plan_input *in, const struct plan *p,
               const struct plan_report_context *ctx) {
  const struct plan_graph *g = &in->g;
  size_t npublic = 0, width = 8;
  char a[32], b[32];

  for (size_t f = 0; f < g->nfuncs; f++)
    npublic += g->funcs[f].is_public;
  fprintf(out, "plan for %s: %zu functions, %zu public\n", ctx->source,
          g->nfuncs, npublic);
  if (strcmp(in->weights, "static") == 0)
    fprintf(out, "weights: static, each call edge the code shows counts 1\n");
  else if (strcmp(in->weights, "graph") == 0)
    fprintf(out, "weights: the graph file's\n");
  else
    fprintf(out, "weights: %s counted in %zu profile%s\n", in->weights,
            in->nprofiles, in->nprofiles == 1 ? "" : "s");
  fprintf(out, "limits:");
  if (ctx->lim->max_functions > 0)
    fprintf(out, " at most %ld functions per library", ctx->lim->max_functions);
  if (ctx->lim->max_code_bytes > 0) {
    size_text(a, ctx->lim->max_code_bytes);
    fprintf(out, "%s at most %s of code per library",
            ctx->lim->max_functions > 0 ? "," : "", a);
  }
  bool any_never = false;
  for (size_t f = 0; f < g->nfuncs; f++)
    if (g->funcs[f].never) {
      fprintf(out, "%s %s",
              any_never ? ","
              : ctx->lim->max_functions > 0 || ctx->lim->max_code_bytes > 0
                  ? "; never merged:"
                  : " never merged:",
              g->funcs[f].name);
      any_never = true;
    }
  if (ctx->lim->max_functions <= 0 && ctx->lim->max_code_bytes == 0 &&
      !any_never)
    fprintf(out, " none");
  fputs("\n\n", out);

  for (size_t i = 0; i < p->nlibs; i++) {
    size_t w = strlen(g->funcs[p->libs[i].entry].name) + 3;
    if (w > width)
      width = w;
  }
  fprintf(out, "%-*s  %9s  %10s  %11s  %-9s  %s\n", (int)width, "library",
          "functions", "code", "fused", "method", "merges");
  for (size_t i = 0; i < p->nlibs; i++) {
    const struct plan_library *l = &p->libs[i];
    char lib[300];
    snprintf(lib, sizeof lib, "%s.so", g->funcs[l->entry].name);
    size_text(a, l->code_bytes);
    weight_text(b, l->fused_weight);
    fprintf(out, "%-*s  %9zu  %10s  %11s  %-9s ", (int)width, lib,
            l->nmembers, a, b, method_name(l->method));
    for (size_t k = 0; k < l->nmembers; k++)
      fprintf(out, " %s", g->funcs[l->members[k]].name);
    fputc('\n', out);
  }
  fputs("\ndeployed (func_config.json):", out);
  for (size_t i = 0; i < p->nlibs; i++) {
    size_t f = p->libs[i].entry;
    if (in->func_ids[f] > 0)
      fprintf(out, "%s %s (%ld)", i ? "," : "", g->funcs[f].name,
              in->func_ids[f]);
    else
      fprintf(out, "%s %s", i ? "," : "", g->funcs[f].name);
  }
  fputc('\n', out);
  print_functions(out, g, p, true, "merged only, no workers of its own:");
  print_functions(out, g, p, false, "never called, not deployed:");

  bool per_request = in->nprofiles > 0;
  bool bytes = strcmp(in->weights, "bytes") == 0;
  fprintf(out, "\n%-*s  %s\n", (int)width, "entry",
          bytes ? "bytes RPCs move per request (its profile): before  after"
          : per_request
              ? "RPCs per request (its profile): before  after"
              : "call edges a request may take as RPCs: before  after");
  for (size_t f = 0; f < g->nfuncs; f++) {
    double bf, af;
    if (!g->funcs[f].is_public)
      continue;
    if (per_request && plan_profile_of(in, f) == NULL) {
      fprintf(out, "%-*s  no profile\n", (int)width, g->funcs[f].name);
      continue;
    }
    if (plan_predict(in, p, f, &bf, &af) != 0)
      return -1;
    fprintf(out, "%-*s  %*.2f  %5.2f\n", (int)width, g->funcs[f].name,
            bytes ? 50 : per_request ? 37 : 45, bf, af);
  }

  bool notes = false;
#define NOTE(...)                                                              \
  do {                                                                         \
    if (!notes)                                                                \
      fputs("\nnotes:\n", out), notes = true;                                  \
    fprintf(out, "  " __VA_ARGS__);                                            \
  } while (0)
  for (size_t f = 0; f < g->nfuncs; f++) {
    if (g->funcs[f].calls_anything)
      NOTE("%s calls a name known only at run time that no `calls` hint "
           "bounds: any function may be called, so every one is deployed\n",
           g->funcs[f].name);
    else if (in->hinted[f])
      NOTE("%s calls names known only at run time; its `calls` hint bounds "
           "them\n",
           g->funcs[f].name);
    if (in->unknown_calls[f] != NULL)
      NOTE("%s calls %s, not a function of the app: an RPC that fails, in "
           "every deployment\n",
           g->funcs[f].name, in->unknown_calls[f]);
  }
  for (size_t i = 0; i < p->nlibs; i++) {
    const struct plan_library *l = &p->libs[i];
    if (l->cycle_split)
      NOTE("%s: its cycle is over the limits: merged alone, its calls into "
           "the cycle stay RPCs\n",
           g->funcs[l->entry].name);
    if (l->entry_over)
      NOTE("%s: over the code limit on its own: deployed alone\n",
           g->funcs[l->entry].name);
    if (l->method == PLAN_HEURISTIC && l->candidates > 1)
      NOTE("%s: %zu parts to choose from (a part: a function, or a cycle of "
           "them), more than --exact-up-to %zu: chosen greedily\n",
           g->funcs[l->entry].name, l->candidates, ctx->lim->exact_up_to);
  }
  struct rpc_graph r;
  if (rpc_cycles(in, p, &r) != 0) {
    rpc_graph_free(&r);
    return -1;
  }
  for (size_t c = 0; c < r.ncomp; c++) {
    bool any = false;
    for (size_t i = 0; i < p->nlibs; i++) {
      if (r.comp[i] != c || !on_rpc_cycle(&r, i))
        continue;
      if (!any)
        NOTE("%s", "");
      fprintf(out, "%s%s", any ? ", " : "", g->funcs[p->libs[i].entry].name);
      any = true;
    }
    if (any)
      fprintf(out, ": call each other by RPC, a cycle between libraries. "
                   "Nightcore starts no worker for a nested call (it waits "
                   "for a free one), so each needs minWorkers at least the "
                   "deepest nesting of the cycle, or the cycle merged whole "
                   "(fewer --never, larger limits)\n");
  }
  rpc_graph_free(&r);
#undef NOTE
  return ferror(out) ? -1 : 0;
}

static json_t *names(const struct plan_graph *g, const size_t *v, size_t n) {
  json_t *a = json_array();
  for (size_t k = 0; a != NULL && k < n; k++)
    json_array_append_new(a, json_string(g->funcs[v[k]].name));
  return a;
}

json_t *plan_json(const struct plan_input *in, const struct plan *p,
                  const struct plan_report_context *ctx) {
  const struct plan_graph *g = &in->g;
  json_t *root = json_object(), *profiles = json_array(), *limits = json_object();
  json_t *never = json_array(), *libs = json_array(), *deployed = json_array();
  json_t *merged_only = json_array(), *not_called = json_array();
  json_t *entries = json_array(), *rpc_cycles_json = NULL;

  /* Every part goes into root first (in the order written), so that a
   * failure has one thing to free. */
  if (root == NULL ||
      json_object_set_new(root, "source", json_string(ctx->source)) ||
      json_object_set_new(root, "weights", json_string(in->weights)) ||
      json_object_set_new(root, "profiles", profiles) ||
      json_object_set_new(root, "limits", limits) ||
      json_object_set_new(limits, "never", never) ||
      json_object_set_new(root, "libraries", libs) ||
      json_object_set_new(root, "deployed", deployed) ||
      json_object_set_new(root, "merged_only", merged_only) ||
      json_object_set_new(root, "not_called", not_called) ||
      json_object_set_new(root, "all_deployed", json_boolean(p->all_deployed)) ||
      json_object_set_new(root, "rpc_cycles", rpc_cycles_json = json_array()) ||
      json_object_set_new(root, "entries", entries))
    goto fail;
  for (size_t k = 0; k < in->nprofiles; k++)
    json_array_append_new(profiles, json_string(in->profiles[k].path));
  json_object_set_new(limits, "max_functions",
                      ctx->lim->max_functions > 0
                          ? json_integer(ctx->lim->max_functions)
                          : json_null());
  json_object_set_new(limits, "max_code_bytes",
                      ctx->lim->max_code_bytes > 0
                          ? json_integer((json_int_t)ctx->lim->max_code_bytes)
                          : json_null());
  for (size_t f = 0; f < g->nfuncs; f++)
    if (g->funcs[f].never)
      json_array_append_new(never, json_string(g->funcs[f].name));
  for (size_t i = 0; i < p->nlibs; i++) {
    const struct plan_library *l = &p->libs[i];
    json_t *o = json_object();
    if (o == NULL)
      goto fail;
    json_object_set_new(o, "entry", json_string(g->funcs[l->entry].name));
    if (in->func_ids[l->entry] > 0)
      json_object_set_new(o, "funcId", json_integer(in->func_ids[l->entry]));
    json_object_set_new(o, "functions", names(g, l->members, l->nmembers));
    json_object_set_new(o, "code_bytes", json_integer((json_int_t)l->code_bytes));
    json_object_set_new(o, "fused_weight", json_real(l->fused_weight));
    json_object_set_new(o, "method", json_string(method_name(l->method)));
    json_object_set_new(o, "parts", json_integer((json_int_t)l->candidates));
    json_object_set_new(o, "cycle_split", json_boolean(l->cycle_split));
    json_array_append_new(libs, o);
    json_array_append_new(deployed, json_string(g->funcs[l->entry].name));
  }
  for (size_t f = 0; f < g->nfuncs; f++) {
    if (p->deployed[f])
      continue;
    json_array_append_new(p->in_library[f] ? merged_only : not_called,
                          json_string(g->funcs[f].name));
  }
  for (size_t f = 0; f < g->nfuncs; f++) {
    double bf, af;
    if (!g->funcs[f].is_public)
      continue;
    json_t *o = json_object();
    if (o == NULL)
      goto fail;
    json_object_set_new(o, "name", json_string(g->funcs[f].name));
    if (in->nprofiles > 0 && plan_profile_of(in, f) == NULL) {
      json_object_set_new(o, "unit", json_null());
    } else {
      if (plan_predict(in, p, f, &bf, &af) != 0) {
        json_decref(o);
        goto fail;
      }
      json_object_set_new(
          o, "unit",
          json_string(strcmp(in->weights, "bytes") == 0 ? "rpc_bytes_per_request"
                      : in->nprofiles > 0                ? "rpcs_per_request"
                                                         : "call_edges"));
      json_object_set_new(o, "before", json_real(bf));
      json_object_set_new(o, "after", json_real(af));
    }
    json_array_append_new(entries, o);
  }
  struct rpc_graph r;
  if (rpc_cycles(in, p, &r) != 0) {
    rpc_graph_free(&r);
    goto fail;
  }
  for (size_t c = 0; c < r.ncomp; c++) {
    json_t *cycle = NULL;
    for (size_t i = 0; i < p->nlibs; i++)
      if (r.comp[i] == c && on_rpc_cycle(&r, i)) {
        if (cycle == NULL)
          json_array_append_new(rpc_cycles_json, cycle = json_array());
        json_array_append_new(cycle,
                              json_string(g->funcs[p->libs[i].entry].name));
      }
  }
  rpc_graph_free(&r);
  return root;
fail:
  json_decref(root);
  return NULL;
}
