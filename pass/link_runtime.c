/*
 * Linking: the callees named by `link=NAME:PATH` (prepared first), and the
 * runtime every merged module needs (runtime/faasfuse_rt.c, embedded in the
 * plugin as bitcode of this same LLVM).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/BitReader.h>
#include <llvm-c/IRReader.h>
#include <llvm-c/Linker.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

extern const char faasfuse_runtime_bitcode[];
extern const char faasfuse_runtime_bitcode_end[];

/* Parses bitcode without letting LLVM report to the context (which would end
 * opt on the spot with its own message). */
static LLVMModuleRef parse_bitcode(LLVMContextRef C, LLVMMemoryBufferRef buf,
                                   char **msg) {
  LLVMModuleRef mod = NULL;
  if (LLVMParseBitcodeInContext(C, buf, &mod, msg))
    return NULL;
  return mod;
}

int ff_link_callees(LLVMModuleRef M, const struct faasfuse_options *opts,
                    char *err, size_t errlen) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  for (size_t i = 0; i < opts->nlinks; i++) {
    const struct faasfuse_link *l = &opts->links[i];
    LLVMMemoryBufferRef buf = NULL;
    char *msg = NULL;
    char why[512];
    if (ff_has_callee(M, l->name)) {
      ff_error(err, errlen, "link=%s:%s: two callees are named '%s' (the module "
               "already has one)", l->name, l->path, l->name);
      return -1;
    }
    if (LLVMCreateMemoryBufferWithContentsOfFile(l->path, &buf, &msg)) {
      ff_error(err, errlen, "link=%s:%s: cannot read the file: %s", l->name,
               l->path, msg ? msg : "unknown error");
      LLVMDisposeMessage(msg);
      return -1;
    }
    /* Bitcode or textual IR; LLVMParseIRInContext owns the buffer. */
    LLVMModuleRef callee = NULL;
    if (LLVMParseIRInContext(C, buf, &callee, &msg)) {
      ff_error(err, errlen,
               "link=%s:%s: not IR this LLVM (%d) can read: %s", l->name,
               l->path, LLVM_VERSION_MAJOR, msg ? msg : "unknown error");
      LLVMDisposeMessage(msg);
      return -1;
    }
    if (faasfuse_prepare_callee(callee, l->name, why, sizeof why) != 0) {
      ff_error(err, errlen, "link=%s:%s: %s", l->name, l->path, why);
      LLVMDisposeModule(callee);
      return -1;
    }
    LLVMSetDataLayout(callee, LLVMGetDataLayoutStr(M));
    LLVMSetTarget(callee, LLVMGetTarget(M));
    if (LLVMLinkModules2(M, callee)) {
      ff_error(err, errlen, "link=%s:%s: linking failed", l->name, l->path);
      return -1;
    }
  }
  return 0;
}

bool ff_has_runtime(LLVMModuleRef M) { return ff_defines(M, FAASFUSE_RT_CALL); }

/* One copy per library, whatever the number of objects holding it: entry
 * points keep their names (a call site compares against
 * __faasfuse_invoke's address), state gets a reserved name; both become
 * linkonce_odr and hidden. Helpers and constants stay private per object. */
static void share_runtime_state(LLVMModuleRef rt) {
  for (LLVMValueRef G = LLVMGetFirstGlobal(rt); G; G = LLVMGetNextGlobal(G)) {
    size_t len;
    const char *name = LLVMGetValueName2(G, &len);
    char renamed[256];
    if (LLVMIsDeclaration(G) || LLVMIsGlobalConstant(G) ||
        LLVMGetLinkage(G) != LLVMInternalLinkage)
      continue;
    snprintf(renamed, sizeof renamed, "__faasfuse_rt.%.*s", (int)len, name);
    LLVMSetValueName2(G, renamed, strlen(renamed));
    LLVMSetLinkage(G, LLVMLinkOnceODRLinkage);
    LLVMSetVisibility(G, LLVMHiddenVisibility);
  }
}

/* LTO: callee objects brought copies of the runtime (linkonce_odr, hidden),
 * which the LTO link has made internal by now. Linked beside them, a fresh
 * copy would be a second runtime, with its own __faasfuse_invoke (that the
 * sites compare against) and its own state. Made linkonce_odr again, each
 * copy's entry points and state become one with the fresh copy's. */
static void reclaim_runtime_copies(LLVMModuleRef M, LLVMModuleRef rt) {
  for (LLVMValueRef F = LLVMGetFirstFunction(rt); F; F = LLVMGetNextFunction(F)) {
    size_t len;
    const char *name = LLVMGetValueName2(F, &len);
    LLVMValueRef mine = LLVMGetNamedFunction(M, name);
    if (LLVMIsDeclaration(F) || LLVMGetLinkage(F) == LLVMInternalLinkage ||
        LLVMGetLinkage(F) == LLVMPrivateLinkage || mine == NULL || LLVMIsDeclaration(mine))
      continue;
    if (LLVMGetLinkage(mine) == LLVMInternalLinkage || LLVMGetLinkage(mine) == LLVMPrivateLinkage) {
      LLVMSetLinkage(mine, LLVMLinkOnceODRLinkage);
      LLVMSetVisibility(mine, LLVMHiddenVisibility);
    }
  }
  for (LLVMValueRef G = LLVMGetFirstGlobal(rt); G; G = LLVMGetNextGlobal(G)) {
    size_t len;
    const char *name = LLVMGetValueName2(G, &len);
    LLVMValueRef mine = LLVMGetNamedGlobal(M, name);
    if (LLVMIsDeclaration(G) || LLVMGetLinkage(G) != LLVMLinkOnceODRLinkage ||
        mine == NULL || LLVMIsDeclaration(mine))
      continue;
    if (LLVMGetLinkage(mine) == LLVMInternalLinkage || LLVMGetLinkage(mine) == LLVMPrivateLinkage) {
      LLVMSetLinkage(mine, LLVMLinkOnceODRLinkage);
      LLVMSetVisibility(mine, LLVMHiddenVisibility);
    }
  }
}

int ff_link_runtime(LLVMModuleRef M, bool shared, char *err, size_t errlen) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  char *msg = NULL;
  /* Objects linked for LTO may hold shared copies already, some of them
   * cut down to what those objects used: a whole copy replaces them. */
  if (ff_has_runtime(M) && !shared) {
    ff_error(err, errlen, "the module already contains the faasfuse runtime");
    return -1;
  }
  LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRange(
      faasfuse_runtime_bitcode,
      (size_t)(faasfuse_runtime_bitcode_end - faasfuse_runtime_bitcode),
      "faasfuse_rt.bc", 0);
  LLVMModuleRef rt = parse_bitcode(C, buf, &msg);
  LLVMDisposeMemoryBuffer(buf);
  if (rt == NULL) {
    ff_error(err, errlen, "the embedded runtime does not load: %s (plugin built "
             "for another LLVM?)", msg ? msg : "unknown error");
    LLVMDisposeMessage(msg);
    return -1;
  }
  /* The runtime is target-neutral C; take the module's layout and triple so
   * the linker has nothing to warn about. */
  LLVMSetDataLayout(rt, LLVMGetDataLayoutStr(M));
  LLVMSetTarget(rt, LLVMGetTarget(M));
  if (shared) {
    share_runtime_state(rt);
    reclaim_runtime_copies(M, rt);
  }
  if (LLVMLinkModules2(M, rt)) {
    ff_error(err, errlen, "linking the faasfuse runtime failed");
    return -1;
  }
  return 0;
}

/* After the module's last use of them (the linker drops linkonce_odr
 * definitions nothing refers to yet). */
void ff_share_runtime_entry_points(LLVMModuleRef M) {
  static const char *const api[] = {
      FAASFUSE_RT_INVOKE,      FAASFUSE_RT_APPEND,       FAASFUSE_RT_ROOT_APPEND,
      FAASFUSE_RT_CALL,        FAASFUSE_RT_DISPATCH,     FAASFUSE_RT_LOOKUP,
      FAASFUSE_RT_CAUGHT,      FAASFUSE_RT_ENTRY_INIT,   FAASFUSE_RT_ENTRY_CREATE,
      FAASFUSE_RT_ENTRY_DESTROY, FAASFUSE_RT_ENTRY_CALL, FAASFUSE_RT_WORKER_APPEND,
      FAASFUSE_RT_ENTRY_APPEND};
  for (size_t i = 0; i < sizeof api / sizeof api[0]; i++) {
    LLVMValueRef F = LLVMGetNamedFunction(M, api[i]);
    if (F != NULL && !LLVMIsDeclaration(F)) {
      LLVMSetLinkage(F, LLVMLinkOnceODRLinkage);
      LLVMSetVisibility(F, LLVMHiddenVisibility);
    }
  }
}

static bool is_faasfuse_symbol(LLVMValueRef G) {
  size_t len;
  const char *name = LLVMGetValueName2(G, &len);
  return strncmp(name, "__faasfuse_", 11) == 0 || strncmp(name, "__faasfuse.", 11) == 0;
}

/* One symbol faasfuse added (private ones are local already). */
static void seal(LLVMValueRef G, bool lto) {
  LLVMLinkage l = LLVMGetLinkage(G);
  if (LLVMIsDeclaration(G) || !is_faasfuse_symbol(G) || l == LLVMPrivateLinkage)
    return;
  if (!lto) {
    LLVMSetLinkage(G, LLVMInternalLinkage);
    LLVMSetVisibility(G, LLVMDefaultVisibility);
  } else if (l != LLVMInternalLinkage) {
    LLVMSetVisibility(G, LLVMHiddenVisibility);
  }
}

void ff_seal_fused(LLVMModuleRef M, bool lto) {
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F))
    seal(F, lto);
  for (LLVMValueRef G = LLVMGetFirstGlobal(M); G; G = LLVMGetNextGlobal(G))
    seal(G, lto);
}
