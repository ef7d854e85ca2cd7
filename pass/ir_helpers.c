/*
 * IR helpers several stages use: the byte pointer type, declaring and
 * calling functions across typed and opaque pointers, @llvm.used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

LLVMTypeRef ff_i8p(LLVMModuleRef M) {
  return ff_byte_ptr_type(LLVMGetModuleContext(M));
}

LLVMValueRef ff_get_or_declare(LLVMModuleRef M, const char *name, LLVMTypeRef FT) {
  LLVMValueRef F = LLVMGetNamedFunction(M, name);
  return F != NULL ? F : LLVMAddFunction(M, name, FT);
}

LLVMValueRef ff_build_call(LLVMBuilderRef B, LLVMValueRef F, LLVMValueRef *args,
                           unsigned n) {
  LLVMTypeRef FT = LLVMGlobalGetValueType(F);
  LLVMTypeRef P[16];
  LLVMGetParamTypes(FT, P);
  for (unsigned i = 0; i < n; i++)
    if (LLVMTypeOf(args[i]) != P[i])
      args[i] = LLVMBuildPointerCast(B, args[i], P[i], "");
  return LLVMBuildCall2(B, FT, F, args, n, "");
}

/* Appends V to @llvm.used or @llvm.compiler.used, which LLVM-C cannot edit
 * in place. */
void ff_add_used(LLVMModuleRef M, const char *list, LLVMValueRef V) {
  LLVMTypeRef i8p = ff_i8p(M);
  char tmp[64];
  LLVMValueRef old = LLVMGetNamedGlobal(M, list);
  LLVMValueRef init = old != NULL ? LLVMGetInitializer(old) : NULL;
  unsigned n = init != NULL ? LLVMGetArrayLength(LLVMTypeOf(init)) : 0;
  LLVMValueRef *elems = reallocarray(NULL, n + 1, sizeof *elems);
  if (elems == NULL)
    abort(); /* out of memory inside LLVM: nothing sane to do */
  for (unsigned i = 0; i < n; i++)
    elems[i] = LLVMGetOperand(init, i);
  elems[n++] = ff_const_ptr_cast(V, i8p);
  LLVMValueRef arr = LLVMConstArray(i8p, elems, n);
  free(elems);
  snprintf(tmp, sizeof tmp, "%s.new", list);
  LLVMValueRef G = LLVMAddGlobal(M, LLVMTypeOf(arr), tmp);
  LLVMSetInitializer(G, arr);
  LLVMSetLinkage(G, LLVMAppendingLinkage);
  LLVMSetSection(G, "llvm.metadata");
  if (old != NULL)
    LLVMDeleteGlobal(old);
  LLVMSetValueName2(G, list, strlen(list));
}
