/*
 * Calls of a worker's own functions, made direct. The runtime creates every
 * merged callee's worker with __faasfuse_invoke, __faasfuse_append and a
 * context of its own, and the entry's with __faasfuse_invoke and
 * __faasfuse_root_append (while it serves the host) or as a callee's; a
 * call through the field where create stored one of them (worker_fields.c)
 * reaches it for sure. So, in faas_func_call and in the functions of this
 * module that only it (or another such function) calls, with the worker:
 *
 *   call %invoke(ctx, name, ...)  ->  call @__faasfuse_invoke(ctx, name, ...)
 *       whose site then needs no test of the pointer (rewrite_call_sites.c);
 *   call %append(ctx, data, len)  ->  call @__faasfuse_worker_append(...)
 *       in a merged callee, when ctx is the worker's context field too: the
 *       append's fast path, with no question of whose context it is;
 *       @__faasfuse_append with another ctx; in the entry, with its own
 *       context, @__faasfuse_entry_append (root or callee worker); with
 *       another, it keeps its pointer (and promote_appends' test).
 *
 *   opt -load-pass-plugin=FaasFuse.so -passes='faasfuse-callee<Bar>' -S bar.bc
 */
#include <stdlib.h>

#include <bsd/stdlib.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

/* A function known to get the worker as parameter `worker` on every call. */
struct holder {
  LLVMValueRef F;
  unsigned worker;
};

struct holders {
  struct holder *v;
  size_t n, cap;
};

static long holder_of(const struct holders *h, LLVMValueRef F) {
  for (size_t i = 0; i < h->n; i++)
    if (h->v[i].F == F)
      return (long)i;
  return -1;
}

static bool holder_add(struct holders *h, LLVMValueRef F, unsigned worker) {
  if (h->n == h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 8;
    struct holder *v = reallocarray(h->v, cap, sizeof *v);
    if (v == NULL)
      return false;
    h->v = v;
    h->cap = cap;
  }
  h->v[h->n++] = (struct holder){F, worker};
  return true;
}

/* The parameter of G that every one of its calls passes the worker in: G is
 * called directly (never otherwise used) and only from holders. -1 if none. */
static int worker_param_of(const struct holders *h, LLVMValueRef G) {
  int param = -1;
  LLVMUseRef U = LLVMGetFirstUse(G);
  if (U == NULL || LLVMGetLinkage(G) != LLVMInternalLinkage || LLVMIsDeclaration(G))
    return -1;
  for (; U != NULL; U = LLVMGetNextUse(U)) {
    LLVMValueRef I = LLVMGetUser(U);
    if ((LLVMIsACallInst(I) == NULL && LLVMIsAInvokeInst(I) == NULL) ||
        LLVMGetCalledValue(I) != G)
      return -1;
    long at = holder_of(h, LLVMGetBasicBlockParent(LLVMGetInstructionParent(I)));
    if (at < 0)
      return -1;
    LLVMValueRef W = LLVMGetParam(h->v[at].F, h->v[at].worker);
    int found = -1;
    unsigned n = LLVMGetNumArgOperands(I);
    for (unsigned k = 0; k < n && k < LLVMCountParams(G); k++)
      if (ff_strip_casts(LLVMGetOperand(I, k)) == W) {
        found = (int)k;
        break;
      }
    if (found < 0 || (param >= 0 && found != param))
      return -1;
    param = found;
  }
  return param;
}

/* faas_func_call (worker: parameter 0) and every function that holds the
 * worker through it. */
static void find_holders(LLVMModuleRef M, LLVMValueRef call, struct holders *h) {
  if (!holder_add(h, call, 0))
    return;
  for (bool grew = true; grew;) {
    grew = false;
    for (LLVMValueRef G = LLVMGetFirstFunction(M); G; G = LLVMGetNextFunction(G)) {
      if (holder_of(h, G) >= 0)
        continue;
      int p = worker_param_of(h, G);
      if (p >= 0 && holder_add(h, G, (unsigned)p))
        grew = true;
    }
  }
}

static void call_directly(LLVMValueRef I, LLVMValueRef target) {
  LLVMValueRef fp = LLVMGetCalledValue(I);
  LLVMSetOperand(I, (unsigned)LLVMGetNumOperands(I) - 1,
                 ff_const_ptr_cast(target, LLVMTypeOf(fp)));
}

void ff_call_runtime_directly(LLVMModuleRef M, LLVMValueRef fns[FF_NABI], bool entry) {
  LLVMValueRef call = fns[FF_CALL] != NULL ? ff_function_of(fns[FF_CALL]) : NULL;
  if (call == NULL || LLVMIsDeclaration(call) || LLVMCountParams(call) < 1 ||
      LLVMGetFirstUse(call) != NULL) /* called by no one but the runtime */
    return;
  LLVMTargetDataRef TD = LLVMCreateTargetData(LLVMGetDataLayoutStr(M));
  struct ff_worker_fields f = ff_held_worker_fields(fns, TD);
  if (f.invoke < 0 && f.append < 0) {
    LLVMDisposeTargetData(TD);
    return;
  }
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMTypeRef i8p = ff_i8p(M), i32 = LLVMInt32TypeInContext(C),
              i64 = LLVMInt64TypeInContext(C), v = LLVMVoidTypeInContext(C);
  LLVMTypeRef ip[6] = {i8p, i8p, i8p, i64, ff_ptr_to(i8p), ff_ptr_to(i64)};
  LLVMTypeRef ap[3] = {i8p, i8p, i64};
  LLVMTypeRef invoke_type = LLVMFunctionType(i32, ip, 6, 0);
  LLVMTypeRef append_type = LLVMFunctionType(v, ap, 3, 0);

  struct holders h = {0};
  find_holders(M, call, &h);
  for (size_t i = 0; i < h.n; i++) {
    LLVMValueRef F = h.v[i].F;
    int worker = (int)h.v[i].worker;
    for (LLVMBasicBlockRef B = LLVMGetFirstBasicBlock(F); B; B = LLVMGetNextBasicBlock(B))
      for (LLVMValueRef I = LLVMGetFirstInstruction(B); I; I = LLVMGetNextInstruction(I)) {
        if ((LLVMIsACallInst(I) == NULL && LLVMIsAInvokeInst(I) == NULL) ||
            ff_called_function(I) != NULL || LLVMIsAInlineAsm(LLVMGetCalledValue(I)))
          continue;
        LLVMTypeRef FT = LLVMGetCalledFunctionType(I);
        long long from = ff_loaded_from_worker(LLVMGetCalledValue(I), F, worker, TD);
        if (from < 0)
          continue;
        if (from == f.invoke && ff_has_invoke_type(FT) && !LLVMIsFunctionVarArg(FT)) {
          call_directly(I, ff_get_or_declare(M, FAASFUSE_RT_INVOKE, invoke_type));
        } else if (from == f.append && ff_has_append_type(FT)) {
          bool own_ctx = f.ctx >= 0 && ff_loaded_from_worker(LLVMGetOperand(I, 0), F,
                                                              worker, TD) == f.ctx;
          const char *fn = entry ? (own_ctx ? FAASFUSE_RT_ENTRY_APPEND : NULL)
                                 : (own_ctx ? FAASFUSE_RT_WORKER_APPEND : FAASFUSE_RT_APPEND);
          if (fn != NULL)
            call_directly(I, ff_get_or_declare(M, fn, append_type));
        }
      }
  }
  free(h.v);
  LLVMDisposeTargetData(TD);
}
