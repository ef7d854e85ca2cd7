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

static void holder_add(struct holders *h, LLVMValueRef F, unsigned worker) {
  if (h->n == h->cap) {
    h->cap = h->cap ? h->cap * 2 : 8;
    h->v = ff_xreallocarray(h->v, h->cap, sizeof *h->v);
  }
  h->v[h->n++] = (struct holder){F, worker};
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
    int found = ff_arg_position(I, LLVMGetParam(h->v[at].F, h->v[at].worker),
                                LLVMCountParams(G));
    if (found < 0 || (param >= 0 && found != param))
      return -1;
    param = found;
  }
  return param;
}

/* faas_func_call (worker: parameter 0) and every function that holds the
 * worker through it. */
static void find_holders(LLVMModuleRef M, LLVMValueRef call, struct holders *h) {
  holder_add(h, call, 0);
  for (bool grew = true; grew;) {
    grew = false;
    for (LLVMValueRef G = LLVMGetFirstFunction(M); G; G = LLVMGetNextFunction(G)) {
      if (holder_of(h, G) >= 0)
        continue;
      int p = worker_param_of(h, G);
      if (p >= 0) {
        holder_add(h, G, (unsigned)p);
        grew = true;
      }
    }
  }
}

static void call_directly(LLVMValueRef I, LLVMValueRef target) {
  LLVMValueRef fp = LLVMGetCalledValue(I);
  LLVMSetOperand(I, (unsigned)LLVMGetNumOperands(I) - 1,
                 ff_const_ptr_cast(target, LLVMTypeOf(fp)));
}

void ff_call_runtime_directly(LLVMModuleRef M, LLVMValueRef fns[FF_NABI],
                              const struct ff_worker_fields *held, bool entry) {
  LLVMValueRef call = fns[FF_CALL] != NULL ? ff_function_of(fns[FF_CALL]) : NULL;
  if (call == NULL || LLVMIsDeclaration(call) || LLVMCountParams(call) < 1 ||
      LLVMGetFirstUse(call) != NULL /* called by no one but the runtime */ ||
      (held->invoke < 0 && held->append < 0))
    return;
  LLVMTargetDataRef TD = LLVMCreateTargetData(LLVMGetDataLayoutStr(M));
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
        if (LLVMIsACallInst(I) == NULL && LLVMIsAInvokeInst(I) == NULL)
          continue;
        switch (ff_worker_call(I, F, worker, held, TD)) {
        case FF_WORKER_INVOKE:
          if (!LLVMIsFunctionVarArg(LLVMGetCalledFunctionType(I)))
            call_directly(I, ff_get_or_declare(M, FAASFUSE_RT_INVOKE, invoke_type));
          break;
        case FF_WORKER_APPEND: {
          bool own_ctx = held->ctx >= 0 && ff_loaded_from_worker(LLVMGetOperand(I, 0), F,
                                                                 worker, TD) == held->ctx;
          const char *fn = entry ? (own_ctx ? FAASFUSE_RT_ENTRY_APPEND : NULL)
                                 : (own_ctx ? FAASFUSE_RT_WORKER_APPEND : FAASFUSE_RT_APPEND);
          if (fn != NULL)
            call_directly(I, ff_get_or_declare(M, fn, append_type));
          break;
        }
        case FF_WORKER_NONE:
          break;
        }
      }
  }
  free(h.v);
  LLVMDisposeTargetData(TD);
}
