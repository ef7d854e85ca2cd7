/*
 * Finds the call sites that may go through Nightcore's invoke_func_fn, and
 * what function each one names.
 *
 * A site is a `call` or `invoke` of a function pointer whose type is
 * invoke_func_fn's, i32 (ptr, ptr, ptr, i64, ptr, ptr), or a direct call of
 * the runtime's own __faasfuse_invoke. Which pointers really are
 * invoke_func_fn is known only at run time: the rewrite guards on it.
 *
 * The name is constant when it is a NUL-terminated string in a constant
 * global with a definitive initializer, reached directly (opaque pointers),
 * through a constant GEP (typed pointers, or an offset into the string),
 * or through casts. Anything else is left for dynamic dispatch.
 */
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Target.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

/* ---- call sites ---------------------------------------------------------- */

/* i32 (ptr, ptr, ptr, i64, ptr, ptr), not variadic */
/* (ptr, ptr, ptr, i64, ptr, ptr) -> i32. A call through an unprototyped
 * pointer (`int (*fn)() = invoke_func_fn`, valid C17) has the type
 * (ptr, ptr, ptr, iN, ptr, ptr, ...) of its promoted arguments: the length
 * is then an i32 when the program passed an int. */
static bool is_gep(LLVMValueRef V) {
  if (LLVMIsAConstantExpr(V))
    return LLVMGetConstOpcode(V) == LLVMGetElementPtr;
  return LLVMIsAGetElementPtrInst(V) != NULL;
}

/* The bytes of a constant global, when its initializer is definitive. */
static const char *global_bytes(LLVMValueRef G, size_t *len, bool *all_zero) {
  LLVMValueRef init;
  *all_zero = false;
  if (!LLVMIsAGlobalVariable(G) || LLVMIsDeclaration(G) || !LLVMIsGlobalConstant(G))
    return NULL;
  switch (LLVMGetLinkage(G)) {
  case LLVMWeakAnyLinkage:
  case LLVMLinkOnceAnyLinkage:
  case LLVMExternalWeakLinkage:
  case LLVMCommonLinkage:
    return NULL; /* another definition may win at link time */
  default:
    break;
  }
  init = LLVMGetInitializer(G);
  if (init == NULL)
    return NULL;
  if (LLVMIsAConstantAggregateZero(init)) {
    LLVMTypeRef T = LLVMTypeOf(init);
    if (LLVMGetTypeKind(T) != LLVMArrayTypeKind)
      return NULL;
    *all_zero = true;
    *len = LLVMGetArrayLength(T);
    return "";
  }
  if (!LLVMIsAConstantDataSequential(init) || !LLVMIsConstantString(init))
    return NULL;
  return LLVMGetAsString(init, len);
}

/* Why global_bytes could not read the bytes at V: for the remark. */
static const char *why_not_bytes(LLVMValueRef V) {
  if (!LLVMIsAGlobalVariable(V))
    return "the name is not a pointer into a global string";
  if (LLVMIsDeclaration(V))
    return "the name is in a global defined elsewhere";
  if (!LLVMIsGlobalConstant(V))
    return "the name is in a global the program may write";
  switch (LLVMGetLinkage(V)) {
  case LLVMWeakAnyLinkage:
  case LLVMLinkOnceAnyLinkage:
  case LLVMExternalWeakLinkage:
  case LLVMCommonLinkage:
    return "the name is in a global another definition may replace";
  default:
    return "the name is in a constant the pass does not read as a string";
  }
}

/* Resolves a constant pointer to the C string it points at, or says why not. */
static bool resolve_name(LLVMValueRef V, LLVMTargetDataRef TD, char **name,
                         size_t *name_len, const char **why) {
  long long off = 0;
  V = ff_strip_casts(V);
  while (is_gep(V)) {
    long long o = ff_gep_offset(V, TD);
    if (o < 0) {
      *why = "the name is at a non-constant offset";
      return false;
    }
    off += o;
    V = ff_strip_casts(LLVMGetOperand(V, 0));
  }
  size_t len;
  bool all_zero;
  const char *bytes = global_bytes(V, &len, &all_zero);
  if (bytes == NULL) {
    *why = why_not_bytes(V);
    return false;
  }
  if (off < 0 || (size_t)off >= len) {
    *why = "the name points outside its string";
    return false;
  }
  const char *start = all_zero ? "" : bytes + off;
  size_t avail = all_zero ? 1 : len - (size_t)off;
  const char *nul = memchr(start, '\0', avail);
  if (nul == NULL) {
    *why = "the name is not NUL-terminated";
    return false;
  }
  *name_len = (size_t)(nul - start);
  *name = ff_xstrndup(start, *name_len);
  return true;
}

/* ---- names that are one of a few constants -------------------------------
 * The rewrite compares the name pointer against each candidate and falls
 * back to the original call on no match, so a candidate set only has to be
 * right about each member, not complete: completeness only saves work. */

#define FF_MAX_DEPTH 8

struct candidates {
  LLVMValueRef v[FF_MAX_NAMES];
  size_t n;
  bool too_many;
  LLVMValueRef seen[64]; /* PHIs and loads visited, against cycles */
  size_t nseen;
};

static bool add_candidate(struct candidates *c, LLVMValueRef V) {
  for (size_t i = 0; i < c->n; i++)
    if (c->v[i] == V)
      return true;
  if (c->n == FF_MAX_NAMES) {
    c->too_many = true;
    return false;
  }
  c->v[c->n++] = V;
  return true;
}

static bool visit_once(struct candidates *c, LLVMValueRef V) {
  for (size_t i = 0; i < c->nseen; i++)
    if (c->seen[i] == V)
      return false;
  if (c->nseen < sizeof c->seen / sizeof c->seen[0])
    c->seen[c->nseen++] = V;
  return true;
}

static bool collect(LLVMValueRef V, struct candidates *c, int depth);

static bool is_intrinsic_call(LLVMValueRef U) {
  if (!LLVMIsACallInst(U))
    return false;
  LLVMValueRef F = LLVMGetCalledValue(U);
  return LLVMIsAFunction(F) && LLVMGetIntrinsicID(F) != 0;
}

/* A local `const char *name = "Bar";` at -O0: an alloca that is only loaded,
 * stored to, and marked by intrinsics (lifetime, debug) holds one of the
 * values stored to it. */
static bool collect_from_alloca(LLVMValueRef A, struct candidates *c, int depth) {
  for (LLVMUseRef U = LLVMGetFirstUse(A); U; U = LLVMGetNextUse(U)) {
    LLVMValueRef user = LLVMGetUser(U);
    if (LLVMIsALoadInst(user) || is_intrinsic_call(user))
      continue;
    if (LLVMIsAStoreInst(user) && LLVMGetOperand(user, 1) == A &&
        LLVMGetOperand(user, 0) != A) {
      if (!collect(LLVMGetOperand(user, 0), c, depth + 1))
        return false;
      continue;
    }
    return false; /* the address escapes: anything may be written */
  }
  return true;
}

/* `static const char *name = "Bar";` never written: every use is a load. */
static bool collect_from_unwritten_global(LLVMValueRef G, struct candidates *c,
                                          int depth) {
  LLVMLinkage L = LLVMGetLinkage(G);
  if (LLVMIsDeclaration(G) || (L != LLVMInternalLinkage && L != LLVMPrivateLinkage))
    return false;
  for (LLVMUseRef U = LLVMGetFirstUse(G); U; U = LLVMGetNextUse(U))
    if (!LLVMIsALoadInst(LLVMGetUser(U)))
      return false;
  return collect(LLVMGetInitializer(G), c, depth + 1);
}

/* `static const char *const names[] = {"Bar", "Baz"}; names[i]`: any element. */
static bool collect_from_constant_table(LLVMValueRef G, struct candidates *c,
                                        int depth) {
  LLVMValueRef init = LLVMGetInitializer(G);
  if (init == NULL || LLVMGetTypeKind(LLVMTypeOf(init)) != LLVMArrayTypeKind)
    return false;
  unsigned n = LLVMGetArrayLength(LLVMTypeOf(init));
  if (LLVMIsAConstantAggregateZero(init))
    return false;
  for (unsigned i = 0; i < n; i++) {
    LLVMValueRef e = LLVMGetOperand(init, i);
    if (e == NULL || !collect(e, c, depth + 1))
      return false;
  }
  return true;
}

static bool collect_from_load(LLVMValueRef L, struct candidates *c, int depth) {
  LLVMValueRef P = ff_strip_casts(LLVMGetOperand(L, 0));
  if (LLVMGetVolatile(L))
    return false;
  if (LLVMIsAAllocaInst(P))
    return collect_from_alloca(P, c, depth);
  if (LLVMIsAGlobalVariable(P)) {
    if (LLVMIsGlobalConstant(P) && !LLVMIsDeclaration(P))
      return collect(LLVMGetInitializer(P), c, depth + 1);
    return collect_from_unwritten_global(P, c, depth);
  }
  if (is_gep(P)) {
    LLVMValueRef G = ff_strip_casts(LLVMGetOperand(P, 0));
    if (LLVMIsAGlobalVariable(G) && LLVMIsGlobalConstant(G) && !LLVMIsDeclaration(G))
      return collect_from_constant_table(G, c, depth);
  }
  return false;
}

static bool collect(LLVMValueRef V, struct candidates *c, int depth) {
  if (depth > FF_MAX_DEPTH)
    return false;
  V = ff_strip_casts(V);
  if (LLVMIsAConstant(V)) {
    if (LLVMIsAGlobalValue(V) || LLVMIsAConstantExpr(V))
      return add_candidate(c, V);
    return false; /* null, undef, an integer... */
  }
  if (LLVMIsASelectInst(V))
    return collect(LLVMGetOperand(V, 1), c, depth + 1) &&
           collect(LLVMGetOperand(V, 2), c, depth + 1);
  if (LLVMIsAPHINode(V)) {
    if (!visit_once(c, V))
      return true;
    for (unsigned i = 0; i < LLVMCountIncoming(V); i++)
      if (!collect(LLVMGetIncomingValue(V, i), c, depth + 1))
        return false;
    return true;
  }
  if (LLVMIsALoadInst(V)) {
    if (!visit_once(c, V))
      return true;
    return collect_from_load(V, c, depth);
  }
  return false;
}

static void free_names(struct ff_site *s) {
  for (size_t i = 0; i < s->nnames; i++)
    free(s->names[i].name);
  free(s->names);
  s->names = NULL;
  s->nnames = 0;
}

/* Classifies the name argument of a site. */
static void classify_name(struct ff_site *s, LLVMTargetDataRef TD) {
  LLVMValueRef arg = LLVMGetOperand(s->inst, 1);
  struct candidates c = {.n = 0, .nseen = 0};
  const char *why = NULL;
  bool constant = LLVMIsAConstant(ff_strip_casts(arg)) != NULL;

  s->kind = FF_NAME_DYNAMIC;
  s->why_dynamic = "the name is not a constant string";
  if (!collect(arg, &c, 0) || c.n == 0) {
    if (c.too_many)
      s->why_dynamic = "the name is one of more than " FF_MAX_NAMES_TEXT " strings";
    return;
  }
  s->names = ff_xcalloc(c.n, sizeof *s->names);
  for (size_t i = 0; i < c.n; i++) {
    struct ff_name *n = &s->names[s->nnames];
    if (!resolve_name(c.v[i], TD, &n->name, &n->len, &why)) {
      /* Bytes the pass cannot prove are read at run time, like any name
       * known only then: never silently left an RPC. */
      free_names(s);
      s->why_dynamic = why;
      return;
    }
    n->ptr = c.v[i];
    s->nnames++;
  }
  s->kind = constant && c.n == 1 ? FF_NAME_CONSTANT : FF_NAME_CHOICE;
  s->why_dynamic = NULL;
}

static struct ff_site *site_for(LLVMValueRef I, unsigned rpc_kind) {
  if (!LLVMIsACallInst(I) && !LLVMIsAInvokeInst(I))
    return NULL;
  if (LLVMGetMetadata(I, rpc_kind) != NULL)
    return NULL; /* the RPC path of a site fused already */
  if (LLVMGetNumArgOperands(I) != 6 || !ff_has_invoke_type(LLVMGetCalledFunctionType(I)))
    return NULL;
  if (LLVMIsACallInst(I) && LLVMIsTailCall(I) && ff_is_musttail(I))
    return NULL; /* must stay a tail call of its own callee */
  LLVMValueRef callee = ff_strip_casts(LLVMGetCalledValue(I));
  bool known = false;
  if (LLVMIsAFunction(callee)) {
    size_t len;
    const char *name = LLVMGetValueName2(callee, &len);
    if (strcmp(name, FAASFUSE_RT_INVOKE) != 0)
      return NULL; /* a direct call of some other function */
    known = true;
  } else if (LLVMIsAConstant(callee)) {
    return NULL; /* null, undef, an alias...: nothing Nightcore handed out */
  } else if (LLVMIsAInlineAsm(callee)) {
    return NULL;
  }
  struct ff_site *s = ff_xcalloc(1, sizeof *s);
  s->inst = I;
  s->known_nightcore = known;
  return s;
}

void ff_find_call_sites(LLVMModuleRef M, struct ff_site_list *sites) {
  LLVMTargetDataRef TD = LLVMCreateTargetData(LLVMGetDataLayoutStr(M));
  unsigned rpc_kind = LLVMGetMDKindIDInContext(LLVMGetModuleContext(M), FF_RPC_MD,
                                               (unsigned)strlen(FF_RPC_MD));
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F)) {
    size_t len;
    const char *fname = LLVMGetValueName2(F, &len);
    if (strncmp(fname, "__faasfuse_", 11) == 0)
      continue; /* the runtime's own forwarding call is the RPC itself */
    for (LLVMBasicBlockRef BB = LLVMGetFirstBasicBlock(F); BB;
         BB = LLVMGetNextBasicBlock(BB))
      for (LLVMValueRef I = LLVMGetFirstInstruction(BB); I;
           I = LLVMGetNextInstruction(I)) {
        struct ff_site *s = site_for(I, rpc_kind);
        if (s == NULL)
          continue;
        classify_name(s, TD);
        TAILQ_INSERT_TAIL(sites, s, link);
      }
  }
  LLVMDisposeTargetData(TD);
}

void ff_free_sites(struct ff_site_list *sites) {
  struct ff_site *s;
  while ((s = TAILQ_FIRST(sites)) != NULL) {
    TAILQ_REMOVE(sites, s, link);
    free_names(s);
    free(s);
  }
}
