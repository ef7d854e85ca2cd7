/*
 * IR helpers several stages use: the byte pointer type, declaring and
 * calling functions across typed and opaque pointers, @llvm.used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include <llvm-c/Target.h>

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
  LLVMValueRef *elems = ff_xreallocarray(NULL, n + 1, sizeof *elems);
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

/* ---- moving code between blocks ------------------------------------------ */

/* PHIs in `succ` that name `from` as an incoming block now name `to`.
 * LLVM-C has no setter for incoming blocks, so the PHI is rebuilt. */
void ff_retarget_phis(LLVMBuilderRef B, LLVMBasicBlockRef succ,
                          LLVMBasicBlockRef from, LLVMBasicBlockRef to) {
  LLVMValueRef P = LLVMGetFirstInstruction(succ);
  while (P != NULL && LLVMIsAPHINode(P)) {
    LLVMValueRef next = LLVMGetNextInstruction(P);
    unsigned n = LLVMCountIncoming(P), hits = 0;
    for (unsigned i = 0; i < n; i++)
      hits += LLVMGetIncomingBlock(P, i) == from;
    if (hits > 0) {
      LLVMValueRef *vals = ff_xcalloc(n, sizeof *vals);
      LLVMBasicBlockRef *blocks = ff_xcalloc(n, sizeof *blocks);
      for (unsigned i = 0; i < n; i++) {
        vals[i] = LLVMGetIncomingValue(P, i);
        blocks[i] = LLVMGetIncomingBlock(P, i);
        if (blocks[i] == from)
          blocks[i] = to;
      }
      size_t len;
      const char *name = LLVMGetValueName2(P, &len);
      char *saved = ff_xstrndup(name, len);
      LLVMPositionBuilderBefore(B, P);
      LLVMValueRef NP = LLVMBuildPhi(B, LLVMTypeOf(P), "");
      LLVMAddIncoming(NP, vals, blocks, n);
      LLVMReplaceAllUsesWith(P, NP);
      LLVMInstructionEraseFromParent(P);
      LLVMSetValueName2(NP, saved, len);
      free(saved);
      free(vals);
      free(blocks);
    }
    P = next;
  }
}

void ff_retarget_successor_phis(LLVMBuilderRef B, LLVMValueRef term,
                                    LLVMBasicBlockRef from, LLVMBasicBlockRef to) {
  unsigned n = LLVMGetNumSuccessors(term);
  for (unsigned i = 0; i < n; i++) {
    LLVMBasicBlockRef S = LLVMGetSuccessor(term, i);
    bool seen = false;
    for (unsigned j = 0; j < i; j++)
      seen |= LLVMGetSuccessor(term, j) == S;
    if (!seen)
      ff_retarget_phis(B, S, from, to);
  }
}

/* Moves `I` to the end of `dst`, keeping its name (the builder would
 * otherwise rename it). */
void ff_move_to(LLVMBuilderRef B, LLVMValueRef I, LLVMBasicBlockRef dst) {
  size_t len;
  const char *name = LLVMGetValueName2(I, &len);
  char *saved = ff_xstrndup(name, len);
  LLVMInstructionRemoveFromParent(I);
  LLVMPositionBuilderAtEnd(B, dst);
  LLVMInsertIntoBuilderWithName(B, I, saved);
  free(saved);
}

/* Moves every instruction after `I` in its block to the end of `dst`. */
void ff_move_tail(LLVMBuilderRef B, LLVMValueRef I, LLVMBasicBlockRef dst) {
  LLVMValueRef N = LLVMGetNextInstruction(I);
  while (N != NULL) {
    LLVMValueRef next = LLVMGetNextInstruction(N);
    ff_move_to(B, N, dst);
    N = next;
  }
}

LLVMBasicBlockRef ff_new_block_after(LLVMContextRef C, LLVMValueRef F,
                                         LLVMBasicBlockRef after, const char *name) {
  LLVMBasicBlockRef BB = LLVMAppendBasicBlockInContext(C, F, name);
  LLVMMoveBasicBlockAfter(BB, after);
  return BB;
}

LLVMValueRef ff_strip_casts(LLVMValueRef V) {
  for (;;) {
    LLVMOpcode op;
    if (LLVMIsAConstantExpr(V))
      op = LLVMGetConstOpcode(V);
    else if (LLVMIsAInstruction(V))
      op = LLVMGetInstructionOpcode(V);
    else
      return V;
    if (op != LLVMBitCast && op != LLVMAddrSpaceCast)
      return V;
    V = LLVMGetOperand(V, 0);
  }
}

long long ff_gep_offset(LLVMValueRef GEP, LLVMTargetDataRef TD) {
  LLVMTypeRef T = LLVMGetGEPSourceElementType(GEP);
  unsigned n = (unsigned)LLVMGetNumOperands(GEP);
  long long off = 0;
  for (unsigned i = 1; i < n; i++) {
    LLVMValueRef idx = LLVMGetOperand(GEP, i);
    if (!LLVMIsAConstantInt(idx))
      return -1;
    long long k = LLVMConstIntGetSExtValue(idx);
    if (i == 1) {
      off += k * (long long)LLVMABISizeOfType(TD, T);
      continue;
    }
    switch (LLVMGetTypeKind(T)) {
    case LLVMArrayTypeKind:
      T = LLVMGetElementType(T);
      off += k * (long long)LLVMABISizeOfType(TD, T);
      break;
    case LLVMStructTypeKind:
      if (k < 0 || (unsigned)k >= LLVMCountStructElementTypes(T))
        return -1;
      off += (long long)LLVMOffsetOfElement(TD, T, (unsigned)k);
      T = LLVMStructGetTypeAtIndex(T, (unsigned)k);
      break;
    default:
      return -1;
    }
  }
  return off;
}

static unsigned attr_kind(const char *name) {
  return LLVMGetEnumAttributeKindForName(name, strlen(name));
}

/* Attribute `name` on parameter i (0-based) of the call or of its callee. */
static LLVMAttributeRef param_attr(LLVMValueRef call, LLVMValueRef callee, unsigned i,
                                   const char *name) {
  unsigned kind = attr_kind(name);
  if (kind == 0)
    return NULL;
  LLVMAttributeRef a = NULL;
  if (call != NULL)
    a = LLVMGetCallSiteEnumAttribute(call, i + 1, kind);
  if (a == NULL && callee != NULL)
    a = LLVMGetEnumAttributeAtIndex(callee, i + 1, kind);
  return a;
}

bool ff_param_reads_only(LLVMValueRef call, LLVMValueRef callee, unsigned i) {
  return param_attr(call, callee, i, "readonly") != NULL ||
         param_attr(call, callee, i, "readnone") != NULL;
}

bool ff_param_not_captured(LLVMValueRef call, LLVMValueRef callee, unsigned i) {
#if FF_HAVE_CAPTURES_ATTR
  LLVMAttributeRef a = param_attr(call, callee, i, "captures");
  return a != NULL && LLVMGetEnumAttributeValue(a) == 0; /* captures(none) */
#else
  return param_attr(call, callee, i, "nocapture") != NULL;
#endif
}

bool ff_returns_noalias(LLVMValueRef call, LLVMValueRef callee) {
  unsigned kind = attr_kind("noalias");
  return LLVMGetCallSiteEnumAttribute(call, LLVMAttributeReturnIndex, kind) != NULL ||
         (callee != NULL &&
          LLVMGetEnumAttributeAtIndex(callee, LLVMAttributeReturnIndex, kind) != NULL);
}

LLVMValueRef ff_called_function(LLVMValueRef call) {
  return LLVMIsAFunction(ff_strip_casts(LLVMGetCalledValue(call)));
}

bool ff_opcode_is(LLVMValueRef V, LLVMOpcode op) {
  return LLVMIsAInstruction(V) != NULL && LLVMGetInstructionOpcode(V) == op;
}

int ff_arg_position(LLVMValueRef call, LLVMValueRef V, unsigned nparams) {
  unsigned n = LLVMGetNumArgOperands(call);
  for (unsigned k = 0; k < n && k < nparams; k++)
    if (ff_strip_casts(LLVMGetOperand(call, k)) == V)
      return (int)k;
  return -1;
}
