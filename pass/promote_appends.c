/*
 * Appends, made direct: every worker of a merged library is handed the
 * runtime's __faasfuse_append as its append_output_fn, and calls it through
 * that pointer, which no optimizer can inline. Each indirect call of
 * append_output_fn's type, void (ptr, ptr, i64), becomes
 *
 *   %is_rt = icmp eq ptr %fp, @__faasfuse_append
 *   br i1 %is_rt, label %direct, label %indirect
 * direct:    call void @__faasfuse_append(ctx, data, len)   ; -O2 inlines it
 * indirect:  call void %fp(ctx, data, len)                  ; unchanged
 *
 * so a call through any other function of that type does what it did.
 * Only `call`s are promoted (an `invoke` of an append keeps its pointer),
 * and not in the runtime's own functions.
 */
#include <string.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

/* An indirect call that may be an append: not inline asm, not a known
 * function (nor a cast of one). */
static bool is_indirect_append(LLVMValueRef I, unsigned done_kind) {
  if (LLVMIsACallInst(I) == NULL || LLVMGetNumArgOperands(I) != 3 ||
      !ff_has_append_type(LLVMGetCalledFunctionType(I)) ||
      LLVMGetMetadata(I, done_kind) != NULL)
    return false;
  LLVMValueRef fp = LLVMGetCalledValue(I);
  if (LLVMIsAInlineAsm(fp) != NULL || ff_function_of(fp) != NULL)
    return false;
  return !(LLVMIsTailCall(I) && ff_is_musttail(I));
}

static void promote(LLVMModuleRef M, LLVMValueRef I, LLVMValueRef rt_append,
                    unsigned done_kind) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  /* A builder of its own: moving an instruction through a builder gives it
   * the builder's debug location, which must not be another site's. */
  LLVMBuilderRef B = LLVMCreateBuilderInContext(C);
  LLVMBasicBlockRef BB = LLVMGetInstructionParent(I);
  LLVMValueRef F = LLVMGetBasicBlockParent(BB);
  LLVMValueRef fp = LLVMGetCalledValue(I);
  LLVMMetadataRef loc = LLVMInstructionGetDebugLoc(I);

  LLVMBasicBlockRef direct = ff_new_block_after(C, F, BB, "faasfuse.append");
  LLVMBasicBlockRef indirect = ff_new_block_after(C, F, direct, "faasfuse.append.indirect");
  LLVMBasicBlockRef join = ff_new_block_after(C, F, indirect, "faasfuse.append.join");
  ff_move_tail(B, I, join);
  ff_retarget_successor_phis(B, LLVMGetBasicBlockTerminator(join), BB, join);
  ff_move_to(B, I, indirect);
  /* The call left indirect: never promoted again, by this run or a later one. */
  LLVMSetMetadata(I, done_kind, LLVMMDNodeInContext(C, NULL, 0));
  LLVMPositionBuilderAtEnd(B, indirect);
  LLVMBuildBr(B, join);

  if (loc != NULL)
    LLVMSetCurrentDebugLocation2(B, loc);
  LLVMPositionBuilderAtEnd(B, BB);
  LLVMValueRef is_rt = LLVMBuildICmp(B, LLVMIntEQ, fp,
                                     ff_const_ptr_cast(rt_append, LLVMTypeOf(fp)),
                                     "faasfuse.is_rt_append");
  LLVMBuildCondBr(B, is_rt, direct, indirect);
  LLVMPositionBuilderAtEnd(B, direct);
  LLVMValueRef args[3] = {LLVMGetOperand(I, 0), LLVMGetOperand(I, 1),
                          LLVMGetOperand(I, 2)};
  ff_build_call(B, rt_append, args, 3);
  LLVMBuildBr(B, join);
  LLVMDisposeBuilder(B);
}

void ff_promote_appends(LLVMModuleRef M, LLVMValueRef F) {
  LLVMValueRef rt_append = LLVMGetNamedFunction(M, FAASFUSE_RT_APPEND);
  size_t len;
  const char *name = LLVMGetValueName2(F, &len);
  if (rt_append == NULL || LLVMIsDeclaration(rt_append))
    return;
  if (LLVMIsDeclaration(F) || strncmp(name, "__faasfuse_", 11) == 0 ||
      strncmp(name, "rt_", 3) == 0)
    return; /* the runtime's own */
  LLVMContextRef C = LLVMGetModuleContext(M);
  unsigned done_kind = LLVMGetMDKindIDInContext(C, FF_APPEND_MD, (unsigned)strlen(FF_APPEND_MD));
  for (LLVMBasicBlockRef BB = LLVMGetFirstBasicBlock(F); BB; BB = LLVMGetNextBasicBlock(BB))
    for (LLVMValueRef I = LLVMGetFirstInstruction(BB); I; I = LLVMGetNextInstruction(I))
      if (is_indirect_append(I, done_kind)) {
        promote(M, I, rt_append, done_kind);
        break; /* the rest of BB moved on: the next block holds it */
      }
}
