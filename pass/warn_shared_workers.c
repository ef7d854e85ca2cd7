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

/* The merged functions, in an array the graph indexes. */
struct node {
  struct ff_callee *c;
  LLVMValueRef call, create; /* its faas_func_call and faas_create_func_worker */
};

static LLVMValueRef abi_fn(LLVMModuleRef M, const struct ff_callee *c,
                           const char *entry_name, enum ff_abi which) {
  char sym[FAASFUSE_NAME_MAX + 64];
  bool is_entry = *entry_name && strcmp(c->name, entry_name) == 0;
  ff_abi_symbol(sym, sizeof sym, is_entry ? "" : c->name, which, false);
  return ff_function_of(ff_abi_definition(M, sym));
}

static long node_of(const struct node *nodes, size_t n, const char *name, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (strlen(nodes[i].c->name) == len && memcmp(nodes[i].c->name, name, len) == 0)
      return (long)i;
  return -1;
}

/* Marks in row[] every merged function a site reachable from F may call. */
static void walk(LLVMValueRef F, struct seen_set *set, struct ff_site_list *sites,
                 const struct node *nodes, size_t n, bool *row) {
  struct seen *s = ff_xmalloc(sizeof *s);
  s->fn = F;
  if (RB_INSERT(seen_set, set, s) != NULL) {
    free(s);
    return;
  }
  struct ff_site *site;
  TAILQ_FOREACH(site, sites, link) {
    if (LLVMGetBasicBlockParent(LLVMGetInstructionParent(site->inst)) != F)
      continue;
    if (site->kind == FF_NAME_DYNAMIC) {
      for (size_t i = 0; i < n; i++)
        row[i] = true;
      continue;
    }
    for (size_t k = 0; k < site->nnames; k++) {
      long i = node_of(nodes, n, site->names[k].name, site->names[k].len);
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
        walk(callee, set, sites, nodes, n, row);
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
  bool *reach = ff_xcalloc(n * n, sizeof *reach);
  n = 0;
  RB_FOREACH(c, ff_callee_tree, callees) {
    nodes[n].c = c;
    nodes[n].call = abi_fn(M, c, entry_name, FF_CALL);
    nodes[n].create = abi_fn(M, c, entry_name, FF_CREATE);
    n++;
  }
  for (size_t i = 0; i < n; i++) {
    struct seen_set set = RB_INITIALIZER(&set);
    if (nodes[i].call != NULL)
      walk(nodes[i].call, &set, sites, nodes, n, reach + i * n);
    free_seen(&set);
  }
  /* Transitive closure: who can be running while who is called. */
  for (size_t k = 0; k < n; k++)
    for (size_t i = 0; i < n; i++)
      if (reach[i * n + k])
        for (size_t j = 0; j < n; j++)
          reach[i * n + j] = reach[i * n + j] || reach[k * n + j];
  for (size_t i = 0; i < n; i++) {
    if (!reach[i * n + i] || nodes[i].create == NULL)
      continue;
    LLVMValueRef st = worker_store(nodes[i].create);
    if (st == NULL)
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
  free(nodes);
  free(reach);
}
