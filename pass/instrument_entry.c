/*
 * Instruments the module's own entry: the caller's exported faas_* become
 * internal __faasfuse._entry.faas_*, and new exported faas_* route through
 * the runtime, which
 *   - hands the entry's worker __faasfuse_invoke / __faasfuse_root_append
 *     (so rewritten call sites can tell Nightcore's invoke from other
 *     pointers, and calls that are not merged, and the entry's output,
 *     still reach the host's functions with the host's caller_context),
 *   - frees the merged outputs handed to the entry when its faas_func_call
 *     returns (Nightcore's lifetime rule),
 *   - destroys the merged callees' workers with the entry's worker.
 * With entry=NAME the entry is also a merged callee itself, so recursion
 * back into it (Foo -> Bar -> Foo) is a direct call on a fresh worker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

static const char *const rt_entry_fns[FF_NABI] = {
    FAASFUSE_RT_ENTRY_INIT, FAASFUSE_RT_ENTRY_CREATE, FAASFUSE_RT_ENTRY_DESTROY,
    FAASFUSE_RT_ENTRY_CALL};

/* faas_X(args...) { return __faasfuse_entry_X(&desc, args...); } */
static int emit_export(LLVMModuleRef M, enum ff_abi which, LLVMValueRef desc,
                       char *err, size_t errlen) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMValueRef rt = LLVMGetNamedFunction(M, rt_entry_fns[which]);
  /* A declaration where the runtime is precompiled (link_runtime.c). */
  if (rt == NULL) {
    ff_error(err, errlen, "the faasfuse runtime lacks %s", rt_entry_fns[which]);
    return -1;
  }
  LLVMTypeRef RT = LLVMGlobalGetValueType(rt);
  unsigned n = LLVMCountParamTypes(RT);
  LLVMTypeRef P[8];
  LLVMGetParamTypes(RT, P);
  LLVMTypeRef FT = LLVMFunctionType(LLVMGetReturnType(RT), P + 1, n - 1, 0);
  LLVMValueRef F = LLVMAddFunction(M, ff_abi_names[which], FT);
  LLVMSetLinkage(F, LLVMExternalLinkage);
  LLVMSetVisibility(F, LLVMDefaultVisibility);
  LLVMBuilderRef B = LLVMCreateBuilderInContext(C);
  LLVMPositionBuilderAtEnd(B, LLVMAppendBasicBlockInContext(C, F, "entry"));
  LLVMValueRef args[8];
  args[0] = ff_const_ptr_cast(desc, P[0]);
  for (unsigned i = 1; i < n; i++)
    args[i] = LLVMGetParam(F, i - 1);
  LLVMBuildRet(B, LLVMBuildCall2(B, RT, rt, args, n, ""));
  LLVMDisposeBuilder(B);
  return 0;
}

int ff_instrument_entry(LLVMModuleRef M, const char *entry_name,
                        struct ff_callee_tree *callees, char *err, size_t errlen) {
  LLVMValueRef fns[FF_NABI];
  char msg[512];
  if (ff_find_abi(M, fns, msg, sizeof msg) != 0) {
    ff_error(err, errlen, "faasfuse: the entry: %s", msg);
    return -1;
  }
  for (int i = 0; i < FF_NABI; i++) {
    char sym[64];
    if (fns[i] == NULL)
      continue;
    ff_abi_symbol(sym, sizeof sym, "", (enum ff_abi)i, false);
    LLVMSetValueName2(fns[i], sym, strlen(sym));
    LLVMSetLinkage(fns[i], LLVMInternalLinkage);
    LLVMSetVisibility(fns[i], LLVMDefaultVisibility);
  }
  LLVMValueRef wrapper, desc;
  struct ff_worker_fields held = ff_held_worker_fields(M, fns);
  uint64_t flags = ff_callee_flags(M, fns, &held);
  ff_call_runtime_directly(M, fns, &held, true);
  ff_emit_callee(M, entry_name, fns, flags, &wrapper, &desc);
  if (*entry_name) {
    struct ff_callee *c = ff_xcalloc(1, sizeof *c);
    strlcpy(c->name, entry_name, sizeof c->name);
    c->wrapper = wrapper;
    c->desc = desc;
    RB_INSERT(ff_callee_tree, callees, c);
  }
  for (int i = 0; i < FF_NABI; i++)
    if (emit_export(M, (enum ff_abi)i, desc, err, errlen) != 0)
      return -1;
  return 0;
}
