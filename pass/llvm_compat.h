/*
 * Every LLVM-version difference the C core sees, in one place.
 * faasfuse builds against LLVM 14 (typed pointers by default), 19 and 22
 * (opaque pointers only).
 */
#ifndef FAASFUSE_LLVM_COMPAT_H
#define FAASFUSE_LLVM_COMPAT_H

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>
#include <llvm/Config/llvm-config.h>

#if LLVM_VERSION_MAJOR < 14
#error "faasfuse needs LLVM 14 or newer"
#endif

/* The pointer type for a byte pointer: `i8*` under typed pointers, `ptr` under
 * opaque ones. In LLVM 14 the context decides (opaque only if enabled). */
static inline LLVMTypeRef ff_byte_ptr_type(LLVMContextRef C) {
#if LLVM_VERSION_MAJOR >= 15
  return LLVMPointerTypeInContext(C, 0);
#else
  return LLVMPointerType(LLVMInt8TypeInContext(C), 0);
#endif
}

/* A pointer to `T` (typed) or just `ptr` (opaque). */
static inline LLVMTypeRef ff_ptr_to(LLVMTypeRef T) {
#if LLVM_VERSION_MAJOR >= 15
  return LLVMPointerTypeInContext(LLVMGetTypeContext(T), 0);
#else
  return LLVMPointerType(T, 0);
#endif
}

/* Casts a constant pointer to type T; a no-op under opaque pointers. */
static inline LLVMValueRef ff_const_ptr_cast(LLVMValueRef V, LLVMTypeRef T) {
  if (LLVMTypeOf(V) == T)
    return V;
#if LLVM_VERSION_MAJOR >= 17
  return V; /* every pointer in address space 0 is `ptr` */
#else
  return LLVMConstPointerCast(V, T);
#endif
}

/* Is the call `musttail`? Those must stay calls of their own callee. */
static inline int ff_is_musttail(LLVMValueRef Call) {
#if LLVM_VERSION_MAJOR >= 18
  return LLVMGetTailCallKind(Call) == LLVMTailCallKindMustTail;
#else
  /* LLVM-C cannot ask before 18; the printed form says it. */
  char *s = LLVMPrintValueToString(Call);
  int r = s != NULL && __builtin_strstr(s, "musttail call") != NULL;
  LLVMDisposeMessage(s);
  return r;
#endif
}

/* Facts about the LLVM the plugin is built for, as plain 0/1 macros, so
 * that the files using them (host_check.c, plugin_shim.cpp) test a feature,
 * not a version. */
/* LLVMGetVersion, to ask the host which LLVM it is: LLVM 16 on. */
#define FF_HAVE_LLVM_GET_VERSION (LLVM_VERSION_MAJOR >= 16)
/* LLVM 22 moved PassPlugin.h from llvm/Passes to llvm/Plugins. */
#define FF_PASS_PLUGIN_IN_PLUGINS_DIR (LLVM_VERSION_MAJOR >= 22)
/* An extension point at the start of the full-LTO pipeline: LLVM 15 on. */
#define FF_HAVE_FULL_LTO_EP (LLVM_VERSION_MAJOR >= 15)
/* The optimizer-last extension point's callback also takes the LTO phase:
 * LLVM 20 on. */
#define FF_OPTIMIZER_LAST_EP_HAS_PHASE (LLVM_VERSION_MAJOR >= 20)
/* captures(none) in place of nocapture: LLVM 21 on. */
#define FF_HAVE_CAPTURES_ATTR (LLVM_VERSION_MAJOR >= 21)

#endif
