/*
 * Part of faasfuse: warns about a merged function that keeps its worker in a
 * global and can be re-entered.
 *
 * Nightcore's C launcher runs one worker per process, so a function may keep
 * what faas_create_func_worker received (caller_context, the callbacks, the
 * handle it makes) in a global and be correct there. Merged, a call that
 * comes back to a function that is already running (Foo -> Bar -> Foo) runs
 * on a second worker of it in the same process, and the two share that
 * global: the answers change. faasfuse cannot give each worker its own
 * globals, so it says so:
 *
 *   warning: bar.c:12:3: 'Bar' keeps worker state in global 'g_ctx' (stored
 *   by its faas_create_func_worker) and is on a cycle of merged calls: ...
 *
 * Cycles are found on the merged call graph: from each merged function's
 * faas_func_call, the call sites reachable through direct calls, and the
 * names they pass (a name known only at run time may be any function).
 */
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

/* Functions seen by one walk, a set of pointers. */
struct seen {
  RB_ENTRY(seen) link;
  LLVMValueRef fn;
};
RB_HEAD(seen_set, seen);
int ff_seen_cmp(struct seen *a, struct seen *b);
int ff_seen_cmp(struct seen *a, struct seen *b) {
  return a->fn < b->fn ? -1 : a->fn > b->fn;
}
RB_PROTOTYPE(seen_set, seen, link, ff_seen_cmp)
RB_GENERATE(seen_set, seen, link, ff_seen_cmp)

static void free_seen(struct seen_set *set) {
  struct seen *s, *next;
  RB_FOREACH_SAFE(s, seen_set, set, next) {
    RB_REMOVE(seen_set, set, s);
    free(s);
  }
}

/* The sites of each function, so that a walk reads only its functions'. */
struct fn_sites {
  RB_ENTRY(fn_sites) link;
  LLVMValueRef fn;
  struct ff_site **v;
  size_t n, cap;
};
RB_HEAD(fn_sites_map, fn_sites);
int ff_fn_sites_cmp(struct fn_sites *a, struct fn_sites *b);
int ff_fn_sites_cmp(struct fn_sites *a, struct fn_sites *b) {
  return a->fn < b->fn ? -1 : a->fn > b->fn;
}
RB_PROTOTYPE(fn_sites_map, fn_sites, link, ff_fn_sites_cmp)
RB_GENERATE(fn_sites_map, fn_sites, link, ff_fn_sites_cmp)

static void index_sites(struct fn_sites_map *map, struct ff_site_list *sites) {
  struct ff_site *site;
  TAILQ_FOREACH(site, sites, link) {
    struct fn_sites key, *e;
    key.fn = LLVMGetBasicBlockParent(LLVMGetInstructionParent(site->inst));
    if ((e = RB_FIND(fn_sites_map, map, &key)) == NULL) {
      e = ff_xcalloc(1, sizeof *e);
      e->fn = key.fn;
      RB_INSERT(fn_sites_map, map, e);
    }
    if (e->n == e->cap) {
      e->cap = e->cap ? e->cap * 2 : 4;
      e->v = ff_xreallocarray(e->v, e->cap, sizeof *e->v);
    }
    e->v[e->n++] = site;
  }
}

static void free_index(struct fn_sites_map *map) {
  struct fn_sites *e, *next;
  RB_FOREACH_SAFE(e, fn_sites_map, map, next) {
    RB_REMOVE(fn_sites_map, map, e);
    free(e->v);
    free(e);
  }
}

/* The merged functions, in an array the graph indexes. */
struct node {
  struct ff_callee *c;
  LLVMValueRef call, create; /* its faas_func_call and faas_create_func_worker */
  LLVMValueRef store;        /* create's store of the worker into a global */
};

static LLVMValueRef abi_fn(LLVMModuleRef M, const struct ff_callee *c,
                           const char *entry_name, enum ff_abi which) {
  char sym[FAASFUSE_NAME_MAX + 64];
  bool is_entry = *entry_name && strcmp(c->name, entry_name) == 0;
  ff_abi_symbol(sym, sizeof sym, is_entry ? "" : c->name, which, false);
  return ff_function_of(ff_abi_definition(M, sym));
}

static int node_name_cmp(const void *key, const void *elem) {
  return strcmp(key, ((const struct node *)elem)->c->name);
}

/* The index in nodes[] (the callee tree's order, by strcmp of the names) of
 * the merged function called name, or -1. */
static long node_of(struct ff_callee_tree *callees, const struct node *nodes, size_t n,
                    const char *name, size_t len) {
  const struct ff_callee *c = ff_lookup_callee(callees, name, len);
  const struct node *hit = c ? bsearch(c->name, nodes, n, sizeof *nodes, node_name_cmp) : NULL;
  return hit ? hit - nodes : -1;
}

/* Marks in row[] every merged function a site reachable from F may call. */
static void walk(LLVMValueRef F, struct seen_set *set, struct fn_sites_map *index,
                 struct ff_callee_tree *callees, const struct node *nodes, size_t n,
                 bool *row) {
  struct seen *s = ff_xmalloc(sizeof *s);
  s->fn = F;
  if (RB_INSERT(seen_set, set, s) != NULL) {
    free(s);
    return;
  }
  struct fn_sites key, *own;
  key.fn = F;
  own = RB_FIND(fn_sites_map, index, &key);
  for (size_t k0 = 0; own != NULL && k0 < own->n; k0++) {
    const struct ff_site *site = own->v[k0];
    if (site->kind == FF_NAME_DYNAMIC) {
      for (size_t i = 0; i < n; i++)
        row[i] = true;
      continue;
    }
    for (size_t k = 0; k < site->nnames; k++) {
      long i = node_of(callees, nodes, n, site->names[k].name, site->names[k].len);
      if (i >= 0)
        row[i] = true;
    }
  }
  for (LLVMBasicBlockRef BB = LLVMGetFirstBasicBlock(F); BB; BB = LLVMGetNextBasicBlock(BB))
    for (LLVMValueRef I = LLVMGetFirstInstruction(BB); I; I = LLVMGetNextInstruction(I)) {
      if (!LLVMIsACallInst(I) && !LLVMIsAInvokeInst(I))
        continue;
      LLVMValueRef callee = ff_function_of(LLVMGetCalledValue(I));
      if (callee != NULL && !LLVMIsDeclaration(callee))
        walk(callee, set, index, callees, nodes, n, row);
    }
}

static LLVMValueRef strip_to_global(LLVMValueRef P) {
  for (int depth = 0; P != NULL && depth < 8; depth++) {
    if (LLVMIsAGlobalVariable(P))
      return P;
    if (LLVMIsAGetElementPtrInst(P) || LLVMIsABitCastInst(P) ||
        (LLVMIsAConstantExpr(P) && (LLVMGetConstOpcode(P) == LLVMGetElementPtr ||
                                    LLVMGetConstOpcode(P) == LLVMBitCast)))
      P = LLVMGetOperand(P, 0);
    else
      return NULL;
  }
  return NULL;
}

/* A store, in create, of what the worker is made of into a global: one of
 * its first three parameters, or a value it also stores through the fourth
 * (the handle it hands back). */
static LLVMValueRef worker_store(LLVMValueRef create) {
  LLVMValueRef handle_out = LLVMCountParams(create) == 4 ? LLVMGetParam(create, 3) : NULL;
  for (LLVMBasicBlockRef BB = LLVMGetFirstBasicBlock(create); BB; BB = LLVMGetNextBasicBlock(BB))
    for (LLVMValueRef I = LLVMGetFirstInstruction(BB); I; I = LLVMGetNextInstruction(I)) {
      if (!LLVMIsAStoreInst(I) || strip_to_global(LLVMGetOperand(I, 1)) == NULL)
        continue;
      LLVMValueRef v = LLVMGetOperand(I, 0);
      for (unsigned p = 0; p < 3 && p < LLVMCountParams(create); p++)
        if (v == LLVMGetParam(create, p))
          return I;
      for (LLVMUseRef U = LLVMGetFirstUse(v); U && handle_out; U = LLVMGetNextUse(U)) {
        LLVMValueRef user = LLVMGetUser(U);
        if (LLVMIsAStoreInst(user) && LLVMGetOperand(user, 1) == handle_out &&
            LLVMGetOperand(user, 0) == v)
          return I;
      }
    }
  return NULL;
}

/* Which nodes are on a cycle of the graph adj (n x n): Tarjan's strongly
 * connected components, O(n^2) on the matrix; a node is on a cycle when its
 * component has two nodes or more, or it reaches itself. */
struct tarjan {
  const bool *adj;
  size_t n, next;
  size_t *index, *low, *stack, depth;
  bool *on_stack, *cyclic;
};

static void strongconnect(struct tarjan *t, size_t v) {
  t->index[v] = t->low[v] = ++t->next;
  t->stack[t->depth++] = v;
  t->on_stack[v] = true;
  for (size_t w = 0; w < t->n; w++) {
    if (!t->adj[v * t->n + w])
      continue;
    if (t->index[w] == 0) {
      strongconnect(t, w);
      if (t->low[w] < t->low[v])
        t->low[v] = t->low[w];
    } else if (t->on_stack[w] && t->index[w] < t->low[v]) {
      t->low[v] = t->index[w];
    }
  }
  if (t->low[v] != t->index[v])
    return;
  size_t first = t->depth;
  do
    t->on_stack[t->stack[--first]] = false;
  while (t->stack[first] != v);
  bool cycle = t->depth - first > 1 || t->adj[v * t->n + v];
  for (size_t i = first; i < t->depth; i++)
    t->cyclic[t->stack[i]] = cycle;
  t->depth = first;
}

static bool *on_cycles(const bool *adj, size_t n) {
  struct tarjan t = {adj, n, 0, ff_xcalloc(n, sizeof(size_t)), ff_xcalloc(n, sizeof(size_t)),
                     ff_xcalloc(n, sizeof(size_t)), 0, ff_xcalloc(n, sizeof(bool)),
                     ff_xcalloc(n, sizeof(bool))};
  for (size_t v = 0; v < n; v++)
    if (t.index[v] == 0)
      strongconnect(&t, v);
  free(t.index);
  free(t.low);
  free(t.stack);
  free(t.on_stack);
  return t.cyclic;
}

void ff_warn_shared_workers(LLVMModuleRef M, struct ff_site_list *sites,
                            struct ff_callee_tree *callees, const char *entry_name,
                            const struct faasfuse_host *host) {
  struct ff_callee *c;
  size_t n = 0;
  RB_FOREACH(c, ff_callee_tree, callees)
    n++;
  if (n == 0)
    return;
  struct node *nodes = ff_xcalloc(n, sizeof *nodes);
  bool any_store = false;
  n = 0;
  RB_FOREACH(c, ff_callee_tree, callees) {
    nodes[n].c = c;
    nodes[n].call = abi_fn(M, c, entry_name, FF_CALL);
    nodes[n].create = abi_fn(M, c, entry_name, FF_CREATE);
    nodes[n].store = nodes[n].create ? worker_store(nodes[n].create) : NULL;
    any_store |= nodes[n].store != NULL;
    n++;
  }
  /* No worker kept in a global, nothing to warn about: the graph, a walk
   * of every function the merged ones reach, is not needed. */
  if (!any_store) {
    free(nodes);
    return;
  }
  bool *reach = ff_xcalloc(n * n, sizeof *reach); /* reach[i * n + j]: i may call j */
  struct fn_sites_map index = RB_INITIALIZER(&index);
  index_sites(&index, sites);
  for (size_t i = 0; i < n; i++) {
    struct seen_set set = RB_INITIALIZER(&set);
    if (nodes[i].call != NULL)
      walk(nodes[i].call, &set, &index, callees, nodes, n, reach + i * n);
    free_seen(&set);
  }
  free_index(&index);
  /* On a cycle: a function that can be running while it is called. */
  bool *cyclic = on_cycles(reach, n);
  for (size_t i = 0; i < n; i++) {
    LLVMValueRef st = nodes[i].store;
    if (!cyclic[i] || st == NULL)
      continue;
    size_t len;
    const char *g = LLVMGetValueName2(strip_to_global(LLVMGetOperand(st, 1)), &len);
    ff_remark(host, FAASFUSE_REMARK_WARNING, st, "WorkerInGlobal",
              "'%s' keeps worker state in global '%.*s' (stored by its "
              "faas_create_func_worker) and is on a cycle of merged calls: merged, "
              "its nested workers share that global, where Nightcore gives each "
              "worker a process of its own; keep it in the worker handle",
              nodes[i].c->name, (int)len, g);
  }
  free(cyclic);
  free(nodes);
  free(reach);
}
