/* What the runtime's build-time tools share (build_tool.h). */
#include "build_tool.h"

#include <stdio.h>
#include <stdlib.h>

#include <llvm-c/BitReader.h>
#include <llvm-c/Target.h>

_Noreturn void die(const char *what, const char *detail) {
  fprintf(stderr, "%s: %s%s%s\n", tool_name, what, detail ? ": " : "", detail ? detail : "");
  exit(1);
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n);
  if (p == NULL)
    die("out of memory", NULL);
  return p;
}

LLVMModuleRef read_runtime(const char *path) {
  LLVMMemoryBufferRef buf;
  char *err = NULL;
  if (LLVMCreateMemoryBufferWithContentsOfFile(path, &buf, &err))
    die("cannot read the runtime", err);
  LLVMModuleRef M;
  if (LLVMParseBitcodeInContext2(LLVMContextCreate(), buf, &M))
    die("the runtime is not bitcode of this LLVM", path);
  LLVMDisposeMemoryBuffer(buf);
  return M;
}

LLVMTargetMachineRef machine_for(LLVMModuleRef M) {
  const char *triple = LLVMGetTarget(M);
  LLVMTargetRef T;
  char *err = NULL;
  if (LLVMGetTargetFromTriple(triple, &T, &err))
    die("no target for the runtime's triple", err);
  return LLVMCreateTargetMachine(T, triple, "", "", LLVMCodeGenLevelDefault, LLVMRelocPIC,
                                 LLVMCodeModelDefault);
}
