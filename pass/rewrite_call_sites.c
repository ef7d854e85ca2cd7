/*
 * Rewrites one call site into a guarded direct call:
 *
 *   %r = call i32 %fp(ctx, "Bar", in, len, &out, &outlen)
 * becomes
 *   %is_nightcore = icmp eq ptr %fp, @__faasfuse_invoke
 *   br i1 %is_nightcore, label %fused, label %rpc
 * fused:
 *   %r.fused = call i32 @__faasfuse_callee_Bar(ctx, in, len, &out, &outlen)
 * rpc:
 *   %r.rpc = call i32 %fp(ctx, "Bar", in, len, &out, &outlen)   ; unchanged
 * and a phi where they meet.
 *
 * Every worker of a merged library receives __faasfuse_invoke as its
 * invoke_func_fn, so the guard is true exactly when %fp is Nightcore's
 * invoke; any other function of the same type keeps its behaviour.
 * An `invoke` site keeps its unwind edge on the RPC path; the fused call
 * does not unwind (a callee's crash takes its caller with it).
 */
#include <stdlib.h>
#include <string.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

/* PHIs in `succ` that name `from` as an incoming block now name `to`.
 * LLVM-C has no setter for incoming blocks, so the PHI is rebuilt. */
static void retarget_phis(LLVMBuilderRef B, LLVMBasicBlockRef succ,
                          LLVMBasicBlockRef from, LLVMBasicBlockRef to) {
  LLVMValueRef P = LLVMGetFirstInstruction(succ);
  while (P != NULL && LLVMIsAPHINode(P)) {
    LLVMValueRef next = LLVMGetNextInstruction(P);
    unsigned n = LLVMCountIncoming(P), hits = 0;
    for (unsigned i = 0; i < n; i++)
      hits += LLVMGetIncomingBlock(P, i) == from;
    if (hits > 0) {
      LLVMValueRef *vals = malloc(n * sizeof *vals);
      LLVMBasicBlockRef *blocks = malloc(n * sizeof *blocks);
      if (vals == NULL || blocks == NULL)
        abort(); /* out of memory inside LLVM: nothing sane to do */
      for (unsigned i = 0; i < n; i++) {
        vals[i] = LLVMGetIncomingValue(P, i);
        blocks[i] = LLVMGetIncomingBlock(P, i);
        if (blocks[i] == from)
          blocks[i] = to;
      }
      size_t len;
      const char *name = LLVMGetValueName2(P, &len);
      char *saved = strndup(name, len);
      LLVMPositionBuilderBefore(B, P);
      LLVMValueRef NP = LLVMBuildPhi(B, LLVMTypeOf(P), "");
      LLVMAddIncoming(NP, vals, blocks, n);
      LLVMReplaceAllUsesWith(P, NP);
      LLVMInstructionEraseFromParent(P);
      if (saved != NULL)
        LLVMSetValueName2(NP, saved, strlen(saved));
      free(saved);
      free(vals);
      free(blocks);
    }
    P = next;
  }
}

static void retarget_successor_phis(LLVMBuilderRef B, LLVMValueRef term,
                                    LLVMBasicBlockRef from, LLVMBasicBlockRef to) {
  unsigned n = LLVMGetNumSuccessors(term);
  for (unsigned i = 0; i < n; i++) {
    LLVMBasicBlockRef S = LLVMGetSuccessor(term, i);
    bool seen = false;
    for (unsigned j = 0; j < i; j++)
      seen |= LLVMGetSuccessor(term, j) == S;
    if (!seen)
      retarget_phis(B, S, from, to);
  }
}

/* Moves `I` to the end of `dst`, keeping its name (the builder would
 * otherwise rename it). */
static void move_to(LLVMBuilderRef B, LLVMValueRef I, LLVMBasicBlockRef dst) {
  size_t len;
  const char *name = LLVMGetValueName2(I, &len);
  char *saved = strndup(name, len);
  LLVMInstructionRemoveFromParent(I);
  LLVMPositionBuilderAtEnd(B, dst);
  LLVMInsertIntoBuilderWithName(B, I, saved != NULL ? saved : "");
  free(saved);
}

/* Moves every instruction after `I` in its block to the end of `dst`. */
static void move_tail(LLVMBuilderRef B, LLVMValueRef I, LLVMBasicBlockRef dst) {
  LLVMValueRef N = LLVMGetNextInstruction(I);
  while (N != NULL) {
    LLVMValueRef next = LLVMGetNextInstruction(N);
    move_to(B, N, dst);
    N = next;
  }
}

static LLVMBasicBlockRef new_block_after(LLVMContextRef C, LLVMValueRef F,
                                         LLVMBasicBlockRef after, const char *name) {
  LLVMBasicBlockRef BB = LLVMAppendBasicBlockInContext(C, F, name);
  LLVMMoveBasicBlockAfter(BB, after);
  return BB;
}

void ff_rewrite_site(LLVMModuleRef M, struct ff_site *site, LLVMValueRef wrapper,
                     LLVMValueRef rt_invoke) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMValueRef I = site->inst;
  LLVMBasicBlockRef BB = LLVMGetInstructionParent(I);
  LLVMValueRef F = LLVMGetBasicBlockParent(BB);
  LLVMValueRef fp = LLVMGetCalledValue(I);
  bool is_invoke = LLVMIsAInvokeInst(I) != NULL;
  LLVMBuilderRef B = LLVMCreateBuilderInContext(C);
  LLVMMetadataRef loc = LLVMInstructionGetDebugLoc(I);

  LLVMBasicBlockRef fused = new_block_after(C, F, BB, "faasfuse.fused");
  LLVMBasicBlockRef rpc = new_block_after(C, F, fused, "faasfuse.rpc");
  LLVMBasicBlockRef join = new_block_after(C, F, rpc, "faasfuse.join");

  if (is_invoke) {
    /* join is the new normal destination; the unwind edge now leaves rpc. */
    LLVMBasicBlockRef normal = LLVMGetNormalDest(I);
    retarget_phis(B, normal, BB, join);
    retarget_phis(B, LLVMGetUnwindDest(I), BB, rpc);
    LLVMSetNormalDest(I, join);
    LLVMPositionBuilderAtEnd(B, join);
    LLVMBuildBr(B, normal);
  } else {
    move_tail(B, I, join);
    retarget_successor_phis(B, LLVMGetBasicBlockTerminator(join), BB, join);
  }
  move_to(B, I, rpc);
  if (!is_invoke) {
    LLVMPositionBuilderAtEnd(B, rpc);
    LLVMBuildBr(B, join);
  }

  /* The guard. */
  LLVMPositionBuilderAtEnd(B, BB);
  if (loc != NULL)
    LLVMSetCurrentDebugLocation2(B, loc);
  LLVMValueRef is_nc = LLVMBuildICmp(B, LLVMIntEQ, fp,
                                     ff_const_ptr_cast(rt_invoke, LLVMTypeOf(fp)),
                                     "faasfuse.is_nightcore");
  LLVMBuildCondBr(B, is_nc, fused, rpc);

  /* The direct call: the name argument (1) is dropped. */
  LLVMPositionBuilderAtEnd(B, fused);
  LLVMTypeRef WT = LLVMGlobalGetValueType(wrapper);
  LLVMTypeRef P[5];
  LLVMGetParamTypes(WT, P);
  static const unsigned from_arg[5] = {0, 2, 3, 4, 5};
  LLVMValueRef args[5];
  for (int i = 0; i < 5; i++) {
    args[i] = LLVMGetOperand(I, from_arg[i]);
    if (LLVMTypeOf(args[i]) != P[i])
      args[i] = LLVMBuildPointerCast(B, args[i], P[i], "");
  }
  LLVMValueRef r_fused = LLVMBuildCall2(B, WT, wrapper, args, 5, "faasfuse.r");
  LLVMBuildBr(B, join);

  /* Where the two paths meet. */
  LLVMValueRef first = LLVMGetFirstInstruction(join);
  if (first != NULL)
    LLVMPositionBuilderBefore(B, first);
  else
    LLVMPositionBuilderAtEnd(B, join);
  LLVMValueRef phi = LLVMBuildPhi(B, LLVMTypeOf(I), "");
  LLVMReplaceAllUsesWith(I, phi);
  LLVMValueRef vals[2] = {r_fused, I};
  LLVMBasicBlockRef blocks[2] = {fused, rpc};
  LLVMAddIncoming(phi, vals, blocks, 2);
  LLVMDisposeBuilder(B);
}
