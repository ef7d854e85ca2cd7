/*
 * faasfuse-callee<NAME>: turns a Nightcore function's module into one that
 * can be linked into a caller.
 *
 *   opt -load-pass-plugin=build/lib/FaasFuse.so \
 *       -passes='faasfuse-callee<Bar>' bar.bc -o bar.callee.bc
 *
 * - renames the four ABI functions to __faasfuse.NAME.faas_* (internal), so
 *   the caller's own faas_* stay the library's exports;
 * - gives every other external definition internal linkage, so nothing
 *   clashes with the caller or another callee; so do linkonce_odr and
 *   weak_odr ones (C++ inline functions, templates, vtables, the statics of
 *   inline functions): apart, each function had its own, with its own state
 *   and its own idea of a class that another function defines otherwise.
 *   Identical copies without state of their own can still be folded into
 *   one afterwards (the mergefunc pass, which faas-merge runs);
 * - emits the descriptor __faasfuse_desc_NAME and the wrapper
 *   int __faasfuse_callee_NAME(ctx, in, len, &out, &outlen), which runs the
 *   callee through the runtime and hands back its output in malloc'd memory;
 * - records {NAME, wrapper, descriptor} in !faasfuse.callees, which
 *   llvm-link concatenates, so `faasfuse` finds every callee after linking.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <llvm-c/Comdat.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

static void make_internal(LLVMValueRef G) {
  LLVMSetLinkage(G, LLVMInternalLinkage);
  LLVMSetVisibility(G, LLVMDefaultVisibility);
  LLVMSetDLLStorageClass(G, LLVMDefaultStorageClass);
  /* A local symbol cannot key a comdat shared with other modules. Only
   * functions and variables have one: LLVM-C casts without checking. */
  if ((LLVMIsAFunction(G) != NULL || LLVMIsAGlobalVariable(G) != NULL) &&
      LLVMGetComdat(G) != NULL)
    LLVMSetComdat(G, NULL);
}

/* Every definition another module could bind to becomes the callee's own:
 * strong, interposable and ODR ones alike. */
static void internalize_definition(LLVMValueRef G) {
  size_t len;
  const char *name = LLVMGetValueName2(G, &len);
  if (LLVMIsDeclaration(G) || strncmp(name, "llvm.", 5) == 0)
    return;
  switch (LLVMGetLinkage(G)) {
  case LLVMExternalLinkage:
  case LLVMWeakAnyLinkage:
  case LLVMLinkOnceAnyLinkage:
  case LLVMWeakODRLinkage:
  case LLVMLinkOnceODRLinkage:
  case LLVMCommonLinkage:
    make_internal(G);
    break;
  default:
    break;
  }
}

int faasfuse_prepare_callee(LLVMModuleRef M, const char *name, char *err,
                            size_t errlen) {
  LLVMValueRef fns[FF_NABI];
  char msg[512];

  if (faasfuse_check_name(name, strlen(name), msg, sizeof msg) != 0) {
    ff_error(err, errlen, "faasfuse-callee: %s", msg);
    return -1;
  }
  if (LLVMGetNamedMetadataNumOperands(M, FF_CALLEES_MD) > 0 ||
      LLVMGetNamedMetadataNumOperands(M, FF_FUSED_MD) > 0) {
    ff_error(err, errlen,
             "faasfuse-callee<%s>: the module is already prepared or fused "
             "(it has !%s)", name,
             LLVMGetNamedMetadataNumOperands(M, FF_FUSED_MD) > 0 ? FF_FUSED_MD
                                                                 : FF_CALLEES_MD);
    return -1;
  }
  if (ff_find_abi(M, fns, msg, sizeof msg) != 0) {
    ff_error(err, errlen, "faasfuse-callee<%s>: %s", name, msg);
    return -1;
  }
  /* Nightcore's launcher loads a library only if it defines all four: a
   * callee without one could not have run on its own. */
  for (int i = 0; i < FF_NABI; i++)
    if (fns[i] == NULL) {
      ff_error(err, errlen,
               "faasfuse-callee<%s>: the module defines no %s (Nightcore loads a "
               "function only if it defines faas_init, faas_create_func_worker, "
               "faas_destroy_func_worker and faas_func_call)", name, ff_abi_names[i]);
      return -1;
    }

  LLVMValueRef wrapper, desc;
  ff_prepare_checked(M, name, fns, &wrapper, &desc);
  return 0;
}

void ff_prepare_checked(LLVMModuleRef M, const char *name, LLVMValueRef fns[FF_NABI],
                        LLVMValueRef *wrapper, LLVMValueRef *desc) {
  for (int i = 0; i < FF_NABI; i++) {
    char sym[FAASFUSE_NAME_MAX + 64];
    if (fns[i] == NULL)
      continue;
    ff_abi_symbol(sym, sizeof sym, name, (enum ff_abi)i, false);
    LLVMSetValueName2(fns[i], sym, strlen(sym));
    make_internal(fns[i]);
  }
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F))
    internalize_definition(F);
  for (LLVMValueRef G = LLVMGetFirstGlobal(M); G; G = LLVMGetNextGlobal(G))
    internalize_definition(G);
  for (LLVMValueRef A = LLVMGetFirstGlobalAlias(M); A; A = LLVMGetNextGlobalAlias(A))
    internalize_definition(A);
  for (LLVMValueRef I = LLVMGetFirstGlobalIFunc(M); I; I = LLVMGetNextGlobalIFunc(I))
    internalize_definition(I);
  LLVMValueRef run[FF_NABI];
  memcpy(run, fns, sizeof run);
  /* Before the guards hide them. */
  struct ff_worker_fields held = ff_held_worker_fields(M, fns);
  uint64_t flags = ff_callee_flags(M, fns, &held);
  ff_call_runtime_directly(M, fns, &held, false);
  ff_guard_exceptions(M, name, run);
  ff_emit_callee(M, name, run, flags, wrapper, desc);
}

