/*
 * Part of faasfuse-callee<NAME>: a C++ exception that leaves a merged
 * callee's faas_init, faas_create_func_worker, faas_func_call or
 * faas_destroy_func_worker must not unwind into the runtime (plain C, which
 * would skip its unlocks and bookkeeping) or into the caller. On Nightcore
 * the callee's worker process dies and the caller's invoke returns -1; here
 * each such ABI function gets a guard
 *
 *   int __faasfuse.NAME.guarded.faas_X(args) {
 *     try { return __faasfuse.NAME.faas_X(args); }
 *     catch (...) { __faasfuse_caught(); return -1; }
 *   }
 *
 * and the descriptor points at the guard. __faasfuse_caught tells the
 * runtime that the failure was a throw, so it drops that worker as Nightcore
 * would lose its process: the next call gets a fresh one.
 *
 * Only modules that use C++ exceptions are guarded (they reference
 * __gxx_personality_v0 or C++ runtime symbols): a guard needs the C++
 * runtime, which a C function's library does not link. Functions that
 * cannot unwind (nounwind) need no guard.
 */
#include <stdio.h>
#include <string.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

#define FF_PERSONALITY "__gxx_personality_v0"

static bool module_uses_cxx_exceptions(LLVMModuleRef M) {
  if (LLVMGetNamedFunction(M, FF_PERSONALITY) != NULL)
    return true;
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F)) {
    size_t len;
    const char *name = LLVMGetValueName2(F, &len);
    if (strncmp(name, "__cxa_", 6) == 0 || strncmp(name, "_Z", 2) == 0)
      return true;
  }
  return false;
}

static bool cannot_unwind(LLVMValueRef V) {
  LLVMValueRef F = ff_function_of(V);
  unsigned kind = LLVMGetEnumAttributeKindForName("nounwind", 8);
  return F != NULL &&
         LLVMGetEnumAttributeAtIndex(F, LLVMAttributeFunctionIndex, kind) != NULL;
}

static LLVMValueRef emit_guard(LLVMModuleRef M, const char *name,
                               enum ff_abi which, LLVMValueRef target) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMTypeRef i8p = ff_i8p(M), i32 = LLVMInt32TypeInContext(C);
  LLVMTypeRef FT = LLVMGlobalGetValueType(target);
  char sym[FAASFUSE_NAME_MAX + 64];
  ff_abi_symbol(sym, sizeof sym, name, which, true);
  LLVMValueRef G = LLVMAddFunction(M, sym, FT);
  LLVMSetLinkage(G, LLVMInternalLinkage);

  LLVMTypeRef any = LLVMFunctionType(i32, NULL, 0, 1);
  LLVMValueRef pers = ff_get_or_declare(M, FF_PERSONALITY, any);
  LLVMSetPersonalityFn(G, ff_const_ptr_cast(pers, i8p));
  LLVMValueRef begin = ff_get_or_declare(M, "__cxa_begin_catch",
                                      LLVMFunctionType(i8p, &i8p, 1, 0));
  LLVMValueRef end = ff_get_or_declare(
      M, "__cxa_end_catch", LLVMFunctionType(LLVMVoidTypeInContext(C), NULL, 0, 0));
  LLVMValueRef caught = ff_get_or_declare(
      M, FAASFUSE_RT_CAUGHT, LLVMFunctionType(LLVMVoidTypeInContext(C), NULL, 0, 0));

  LLVMBuilderRef B = LLVMCreateBuilderInContext(C);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(C, G, "entry");
  LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(C, G, "ok");
  LLVMBasicBlockRef threw = LLVMAppendBasicBlockInContext(C, G, "threw");
  LLVMPositionBuilderAtEnd(B, entry);
  unsigned n = LLVMCountParams(G);
  LLVMValueRef args[8];
  for (unsigned i = 0; i < n; i++)
    args[i] = LLVMGetParam(G, i);
  LLVMValueRef r = LLVMBuildInvoke2(B, FT, target, args, n, ok, threw, "");
  LLVMPositionBuilderAtEnd(B, ok);
  LLVMBuildRet(B, r);

  LLVMPositionBuilderAtEnd(B, threw);
  LLVMTypeRef lp_fields[2] = {i8p, i32};
  LLVMTypeRef LP = LLVMStructTypeInContext(C, lp_fields, 2, 0);
  LLVMValueRef lp = LLVMBuildLandingPad(B, LP, ff_const_ptr_cast(pers, i8p), 1, "");
  LLVMAddClause(lp, LLVMConstNull(i8p)); /* catch (...) */
  LLVMValueRef exn = LLVMBuildExtractValue(B, lp, 0, "");
  ff_build_call(B, begin, &exn, 1);
  ff_build_call(B, end, NULL, 0);
  ff_build_call(B, caught, NULL, 0);
  LLVMBuildRet(B, LLVMConstInt(i32, (unsigned long long)-1, 1));
  LLVMDisposeBuilder(B);
  return G;
}

void ff_guard_exceptions(LLVMModuleRef M, const char *name,
                         LLVMValueRef fns[FF_NABI]) {
  if (!module_uses_cxx_exceptions(M))
    return;
  for (int i = 0; i < FF_NABI; i++)
    if (fns[i] != NULL && !cannot_unwind(fns[i]))
      fns[i] = emit_guard(M, name, (enum ff_abi)i, fns[i]);
}
