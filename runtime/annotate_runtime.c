/*
 * annotate_runtime: optimizes the runtime's bitcode as clang -O2 would,
 * after telling the optimizer what C cannot say: a copy into a byte buffer
 * the runtime owns (an output being built, a callee's copy of its input)
 * never writes the runtime's own state, its contexts, workers and roots.
 *
 *   clang -O2 -Xclang -disable-llvm-passes -DFAASFUSE_RT_MARK_COPIES \
 *         -emit-llvm -c faasfuse_rt.c -o faasfuse_rt.raw.bc
 *   annotate_runtime faasfuse_rt.raw.bc faasfuse_rt.bc
 *
 * The runtime's source makes every such copy a call of FAASFUSE_RT_COPY_OUT.
 * Each becomes an llvm.memcpy with !alias.scope of one scope, and every load
 * and store of a runtime struct (its type-based alias tag names one) gets
 * !noalias of it. The scope is named by a string, so that inlining, which
 * gives the scopes of a function a fresh copy at each call site it inlines,
 * keeps this one as it is: an append inlined after another then knows that
 * the first one's copy left the worker's length and buffer as they were.
 * Without it, merged code reloaded them after every append (issue 16: a
 * chain of 8 merged calls, 77 ns against 62).
 *
 * The claim holds at every moment: the runtime's buffers and its structs are
 * separate allocations, and no buffer is ever handed out as a context. Run
 * at build time only, with the LLVM the plugin is built for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "build_tool.h"
#include "faasfuse/runtime.h"

/* Names of the scope and of its domain: reserved, like every name the
 * runtime puts in a module. */
#define SCOPE_DOMAIN "faasfuse.runtime"
#define SCOPE_BUFFERS "faasfuse.runtime.buffers"

const char *const tool_name = "annotate_runtime";

/* !{!{!"faasfuse.runtime.buffers", !{!"faasfuse.runtime"}}}: a list of the
 * one scope, as !alias.scope and !noalias take it. */
static LLVMMetadataRef buffers_scope(LLVMContextRef C) {
  LLVMMetadataRef name = LLVMMDStringInContext2(C, SCOPE_DOMAIN, strlen(SCOPE_DOMAIN));
  LLVMMetadataRef domain = LLVMMDNodeInContext2(C, &name, 1);
  LLVMMetadataRef scope_ops[2] = {
      LLVMMDStringInContext2(C, SCOPE_BUFFERS, strlen(SCOPE_BUFFERS)), domain};
  LLVMMetadataRef scope = LLVMMDNodeInContext2(C, scope_ops, 2);
  return LLVMMDNodeInContext2(C, &scope, 1);
}

/* Each call of the marker becomes a memcpy of the same operands, in the
 * buffers' scope. Returns how many there were. */
static unsigned mark_copies(LLVMModuleRef M, LLVMValueRef scope) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMValueRef marker = LLVMGetNamedFunction(M, FAASFUSE_RT_COPY_OUT);
  if (marker == NULL)
    return 0;
  unsigned alias_scope = LLVMGetMDKindIDInContext(C, "alias.scope", 11);
  unsigned memcpy_id = LLVMLookupIntrinsicID("llvm.memcpy", 11);
  LLVMBuilderRef B = LLVMCreateBuilderInContext(C);
  unsigned n = 0;
  LLVMUseRef U;
  while ((U = LLVMGetFirstUse(marker)) != NULL) {
    LLVMValueRef call = LLVMGetUser(U);
    if (LLVMIsACallInst(call) == NULL || LLVMGetCalledValue(call) != marker ||
        LLVMGetNumArgOperands(call) != 3)
      die("the copy marker is used other than called", NULL);
    LLVMValueRef args[4] = {LLVMGetOperand(call, 0), LLVMGetOperand(call, 1),
                            LLVMGetOperand(call, 2),
                            LLVMConstInt(LLVMInt1TypeInContext(C), 0, 0)};
    LLVMTypeRef overload[3] = {LLVMTypeOf(args[0]), LLVMTypeOf(args[1]), LLVMTypeOf(args[2])};
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(M, memcpy_id, overload, 3);
    LLVMTypeRef fn_type = LLVMIntrinsicGetType(C, memcpy_id, overload, 3);
    LLVMPositionBuilderBefore(B, call);
    LLVMValueRef copy = LLVMBuildCall2(B, fn_type, fn, args, 4, "");
    LLVMSetMetadata(copy, alias_scope, scope);
    LLVMInstructionEraseFromParent(call);
    n++;
  }
  LLVMDisposeBuilder(B);
  LLVMDeleteFunction(marker);
  return n;
}

/* The name of the struct a type-based alias tag !{base, access, offset}
 * accesses a field of, or NULL. */
static const char *tbaa_base_name(LLVMValueRef tag) {
  unsigned n = tag ? LLVMGetMDNodeNumOperands(tag) : 0;
  if (n < 3 || n > 4) /* 4: with the constant flag */
    return NULL;
  LLVMValueRef ops[4];
  LLVMGetMDNodeOperands(tag, ops);
  LLVMValueRef base = ops[0];
  unsigned nbase = base && base != ops[1] ? LLVMGetMDNodeNumOperands(base) : 0;
  if (nbase == 0)
    return NULL;
  LLVMValueRef *base_ops = xrealloc(NULL, nbase * sizeof *base_ops);
  LLVMGetMDNodeOperands(base, base_ops);
  unsigned len;
  const char *name = base_ops[0] ? LLVMGetMDString(base_ops[0], &len) : NULL;
  free(base_ops);
  return name;
}

/* The runtime's own structs (faasfuse_rt.c's rt_*, runtime.h's faasfuse_*). */
static int is_runtime_struct(const char *name) {
  return name != NULL && (strncmp(name, "rt_", 3) == 0 || strncmp(name, "faasfuse_", 9) == 0);
}

/* I's !noalias list, with the buffers' scope added. */
static void add_noalias(LLVMContextRef C, LLVMValueRef I, unsigned noalias,
                        LLVMMetadataRef scope_list) {
  LLVMValueRef old = LLVMGetMetadata(I, noalias);
  LLVMValueRef scope_list_value = LLVMMetadataAsValue(C, scope_list);
  LLVMValueRef scope;
  LLVMGetMDNodeOperands(scope_list_value, &scope);
  unsigned n = old ? LLVMGetMDNodeNumOperands(old) : 0;
  LLVMValueRef *ops = xrealloc(NULL, (n + 1) * sizeof *ops);
  LLVMMetadataRef *mds = xrealloc(NULL, (n + 1) * sizeof *mds);
  if (old)
    LLVMGetMDNodeOperands(old, ops);
  ops[n] = scope;
  for (unsigned i = 0; i <= n; i++)
    mds[i] = LLVMValueAsMetadata(ops[i]);
  LLVMSetMetadata(I, noalias, LLVMMetadataAsValue(C, LLVMMDNodeInContext2(C, mds, n + 1)));
  free(ops);
  free(mds);
}

/* Every load and store of a runtime struct: in no buffer. Returns how many. */
static unsigned mark_state(LLVMModuleRef M, LLVMMetadataRef scope_list) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  unsigned tbaa = LLVMGetMDKindIDInContext(C, "tbaa", 4);
  unsigned noalias = LLVMGetMDKindIDInContext(C, "noalias", 7);
  unsigned n = 0;
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F))
    for (LLVMBasicBlockRef B = LLVMGetFirstBasicBlock(F); B; B = LLVMGetNextBasicBlock(B))
      for (LLVMValueRef I = LLVMGetFirstInstruction(B); I; I = LLVMGetNextInstruction(I))
        if ((LLVMIsALoadInst(I) || LLVMIsAStoreInst(I)) &&
            is_runtime_struct(tbaa_base_name(LLVMGetMetadata(I, tbaa)))) {
          add_noalias(C, I, noalias, scope_list);
          n++;
        }
  return n;
}

/* Instructions still in the buffers' scope after the optimizer ran. */
static unsigned count_scoped(LLVMModuleRef M, LLVMValueRef scope) {
  unsigned alias_scope = LLVMGetMDKindIDInContext(LLVMGetModuleContext(M), "alias.scope", 11);
  unsigned n = 0;
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F))
    for (LLVMBasicBlockRef B = LLVMGetFirstBasicBlock(F); B; B = LLVMGetNextBasicBlock(B))
      for (LLVMValueRef I = LLVMGetFirstInstruction(B); I; I = LLVMGetNextInstruction(I))
        n += LLVMGetMetadata(I, alias_scope) == scope;
  return n;
}

/* clang -O2's pipeline, on the host it builds for. */
static void optimize(LLVMModuleRef M) {
  LLVMTargetMachineRef TM = machine_for(M);
  LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
  LLVMPassBuilderOptionsSetLoopVectorization(opts, 1);
  LLVMPassBuilderOptionsSetSLPVectorization(opts, 1);
  LLVMErrorRef e = LLVMRunPasses(M, "default<O2>", TM, opts);
  if (e != NULL)
    die("optimizing the runtime failed", LLVMGetErrorMessage(e));
  LLVMDisposePassBuilderOptions(opts);
  LLVMDisposeTargetMachine(TM);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: annotate_runtime RUNTIME.raw.bc RUNTIME.bc\n");
    return 2;
  }
  LLVMInitializeNativeTarget();
  LLVMModuleRef M = read_runtime(argv[1]);
  LLVMContextRef C = LLVMGetModuleContext(M);
  char *err = NULL;

  LLVMMetadataRef scope_list = buffers_scope(C);
  LLVMValueRef scope_value = LLVMMetadataAsValue(C, scope_list);
  if (mark_copies(M, scope_value) == 0)
    die("no copy into a buffer is marked (compile with -DFAASFUSE_RT_MARK_COPIES)", NULL);
  if (mark_state(M, scope_list) == 0)
    die("no load or store of a runtime struct has a type-based alias tag", NULL);
  if (LLVMVerifyModule(M, LLVMReturnStatusAction, &err))
    die("the annotated runtime does not verify", err);
  optimize(M);
  if (count_scoped(M, scope_value) == 0)
    die("the optimizer dropped the copies' scope", NULL);
  if (LLVMWriteBitcodeToFile(M, argv[2]) != 0)
    die("cannot write", argv[2]);
  LLVMDisposeModule(M);
  LLVMContextDispose(C);
  return 0;
}
