/*
 * The plugin only runs inside the LLVM major it was built for: the C++ ABI
 * of another one would crash it. The shim asks here before it registers
 * anything (and before any LLVM option exists).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdio.h>

#include "host_check.h"
#include "llvm_compat.h"

int ff_host_llvm_matches(char *why, size_t whylen) {
  unsigned major = 0, minor = 0, patch = 0;
  void (*get_version)(unsigned *, unsigned *, unsigned *) =
      (void (*)(unsigned *, unsigned *, unsigned *))dlsym(RTLD_DEFAULT, "LLVMGetVersion");
  if (get_version != NULL) {
    get_version(&major, &minor, &patch);
    if (major == LLVM_VERSION_MAJOR)
      return 1;
    snprintf(why, whylen,
             "faasfuse: this plugin was built for LLVM %d and cannot load into LLVM "
             "%u; build it with make LLVM_VERSION=%u", LLVM_VERSION_MAJOR, major, major);
    return 0;
  }
#if !FF_HAVE_LLVM_GET_VERSION
  /* Before LLVMGetVersion, Debian versions every libLLVM symbol LLVM_<major>. */
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
