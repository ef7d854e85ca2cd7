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

/*
 * The plugin only runs inside the LLVM major it was built for: the C++ ABI
 * of another one would crash it. 1 if the host matches; else 0 and a reason.
 * LLVMGetVersion exists from LLVM 16 on; before that, Debian versions every
 * libLLVM symbol as LLVM_<major>.
 */
#include <dlfcn.h>
#include <stdio.h>
static inline int ff_host_llvm_matches(char *why, size_t whylen) {
  void (*get_version)(unsigned *, unsigned *, unsigned *) =
      (void (*)(unsigned *, unsigned *, unsigned *))dlsym(RTLD_DEFAULT, "LLVMGetVersion");
  unsigned major = 0, minor = 0, patch = 0;
  if (get_version != NULL) {
    get_version(&major, &minor, &patch);
  } else {
#if LLVM_VERSION_MAJOR < 16
    char tag[32];
    snprintf(tag, sizeof tag, "LLVM_%d", LLVM_VERSION_MAJOR);
    if (dlvsym(RTLD_DEFAULT, "LLVMContextCreate", tag) != NULL)
      return 1;
#endif
    snprintf(why, whylen,
             "faasfuse: this plugin was built for LLVM %d and the host is another "
             "LLVM; build it with make LLVM_VERSION=<the host's major>",
             LLVM_VERSION_MAJOR);
    return 0;
  }
  if (major == LLVM_VERSION_MAJOR)
    return 1;
  snprintf(why, whylen,
           "faasfuse: this plugin was built for LLVM %d and cannot load into LLVM "
           "%u; build it with make LLVM_VERSION=%u", LLVM_VERSION_MAJOR, major, major);
  return 0;
}

/* The shim's one version difference: LLVM 22 moved the plugin header. */
#ifdef __cplusplus
#if LLVM_VERSION_MAJOR >= 22
#define FF_PASS_PLUGIN_HEADER "llvm/Plugins/PassPlugin.h"
#else
#define FF_PASS_PLUGIN_HEADER "llvm/Passes/PassPlugin.h"
#endif
/* An extension point at the start of the full-LTO pipeline: LLVM 15 on. */
#define FF_HAVE_FULL_LTO_EP (LLVM_VERSION_MAJOR >= 15)
#endif

#endif
