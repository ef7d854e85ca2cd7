/*
 * What the runtime's two build-time tools (annotate_runtime.c,
 * precompile_runtime.c) share: one-line errors, the runtime's bitcode read
 * into a context of its own, and a target machine for its triple.
 */
#ifndef FAASFUSE_RUNTIME_BUILD_TOOL_H
#define FAASFUSE_RUNTIME_BUILD_TOOL_H

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

/* The tool's name, for its error lines; each tool defines it. */
extern const char *const tool_name;

/* "TOOL: what: detail" on stderr, exit 1. detail may be NULL. */
_Noreturn void die(const char *what, const char *detail);

/* realloc, or die: out of memory. */
void *xrealloc(void *p, size_t n);

/* The bitcode at path, in a new context; dies if it is not readable as
 * this LLVM's bitcode. */
LLVMModuleRef read_runtime(const char *path);

/* Position-independent code for the module's triple, at the default
 * optimization level. */
LLVMTargetMachineRef machine_for(LLVMModuleRef M);

#endif
