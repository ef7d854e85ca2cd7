/*
 * faasfuse: fuses Nightcore RPCs between functions merged into one module.
 *
 *   opt -load-pass-plugin=build/lib/FaasFuse.so \
 *       -passes='faasfuse,default<O2>' linked.bc -o merged.bc
 *   opt -load-pass-plugin=build/lib/FaasFuse.so \
 *       -passes='faasfuse<entry=Foo;link=Bar:bar.bc>,default<O2>' foo.bc -o merged.bc
 *
 * This file only puts the stages in order; each stage is a file of its own:
 *   options.c             the parameters: entry=NAME (the entry's own
 *                         Nightcore name, so calls back into it fuse too),
 *                         link=NAME:PATH (repeatable), no-dynamic,
 *                         runtime=ir|precompiled
 *   prepare_callee.c      a callee's module made linkable (faasfuse-callee),
 *                         its C++ exceptions guarded by guard_exceptions.c
 *   link_runtime.c        link= callees, prepared, then the runtime
 *   instrument_entry.c    the module's own faas_* go through the runtime
 *   find_call_sites.c     invoke_func_fn call sites and the names they pass
 *   warn_shared_workers.c workers kept in globals, on a cycle: a warning
 *   rewrite_call_sites.c  guarded direct calls of the callees' wrappers
 *   promote_appends.c     guarded direct calls of the runtime's append
 * and the leaves they share: callees.c (the merged functions and their
 * symbols), nightcore_abi.c (the four functions, the name rule),
 * ir_helpers.c, diagnostics.c. tests/layout/pass-imports.test keeps the
 * calls between these files running one way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

/* Tags the module with the named metadata `md`, so later runs know. */
static void mark(LLVMModuleRef M, const char *md) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMMetadataRef tag = LLVMMDStringInContext2(C, "faasfuse", 8);
  LLVMAddNamedMetadataOperand(M, md, LLVMMetadataAsValue(C, LLVMMDNodeInContext2(C, &tag, 1)));
}

/* Rewrites the sites, then promotes the appends, one function at a time in
 * module order, so that each function is still in cache when its appends
 * are promoted (a second walk of the whole module read all of it again).
 * The IR is the same as all sites first: a rewrite or a promotion changes
 * only its own function, and value names are unique per function. */
static void fuse_sites(LLVMModuleRef M, struct ff_site_list *sites,
                       struct ff_callee_tree *callees, bool dynamic, bool object_mode,
                       const struct faasfuse_host *host) {
  struct ff_rewriter *rw = ff_rewrite_begin(M, callees, dynamic, object_mode, host);
  struct ff_site *s = TAILQ_FIRST(sites);
  for (LLVMValueRef F = LLVMGetFirstFunction(M); F; F = LLVMGetNextFunction(F)) {
    for (; s != NULL && LLVMGetBasicBlockParent(LLVMGetInstructionParent(s->inst)) == F;
         s = TAILQ_NEXT(s, link))
      ff_rewrite_site(rw, s);
    ff_promote_appends(M, F);
  }
  /* None left: the sites were found in module order, in these functions. */
  for (; s != NULL; s = TAILQ_NEXT(s, link))
    ff_rewrite_site(rw, s);
  ff_rewrite_end(rw);
}

static int fuse_module(LLVMModuleRef M, const struct faasfuse_options *opts,
                       const struct faasfuse_host *host, bool lto, char *err,
                       size_t errlen) {
  struct ff_callee_tree callees = RB_INITIALIZER(&callees);
  struct ff_site_list sites = TAILQ_HEAD_INITIALIZER(sites);
  LLVMValueRef abi[FF_NABI];
  char msg[512];
  bool precompiled = false;
  int rc = -1;

  if (LLVMGetNamedMetadataNumOperands(M, FF_FUSED_MD) > 0) {
    ff_error(err, errlen, "faasfuse: the module is already fused");
    return -1;
  }
  if (ff_link_callees(M, opts, err, errlen) != 0)
    return -1;
  if (ff_read_callees(M, &callees, msg, sizeof msg) != 0) {
    ff_error(err, errlen, "faasfuse: %s", msg);
    goto out;
  }
  if (ff_find_abi(M, abi, msg, sizeof msg) != 0) {
    ff_error(err, errlen, "faasfuse: the entry: %s", msg);
    goto out;
  }
  if (*opts->entry_name &&
      ff_lookup_callee(&callees, opts->entry_name, strlen(opts->entry_name))) {
    ff_error(err, errlen, "faasfuse: '%s' is the entry and also a merged callee",
             opts->entry_name);
    goto out;
  }

  if (RB_EMPTY(&callees) && !*opts->entry_name) {
    /* Nothing merged: the module stays as it is, every site an RPC. */
    ff_find_call_sites(M, &sites);
    struct ff_site *s;
    TAILQ_FOREACH(s, &sites, link)
      ff_remark(host, FAASFUSE_REMARK_MISSED, s->inst, "NothingMerged",
                "call stays an RPC: no function is merged into this module");
    rc = 0;
    goto out;
  }

  if (ff_link_runtime(M, lto, opts->runtime, &precompiled, err, errlen) != 0 ||
      ff_instrument_entry(M, opts->entry_name, &callees, err, errlen) != 0)
    goto out;

  ff_find_call_sites(M, &sites);
  ff_warn_shared_workers(M, &sites, &callees, opts->entry_name, host);
  fuse_sites(M, &sites, &callees, !opts->no_dynamic, false, host);
  ff_seal_fused(M, lto);
  if (precompiled)
    ff_add_precompiled_runtime(M);
  mark(M, FF_FUSED_MD);
  rc = 0;
out:
  ff_free_sites(&sites);
  ff_free_callees(&callees);
  return rc;
}

int faasfuse_fuse_module(LLVMModuleRef M, const struct faasfuse_options *opts,
                         const struct faasfuse_host *host, char *err,
                         size_t errlen) {
  return fuse_module(M, opts, host, false, err, errlen);
}

/* ---- the routes of ordinary builds --------------------------------------- */

static bool entry_done(LLVMModuleRef M) {
  char entry_call[64];
  ff_abi_symbol(entry_call, sizeof entry_call, "", FF_CALL, false);
  return LLVMGetNamedMetadataNumOperands(M, FF_FUSED_MD) > 0 ||
         ff_abi_definition(M, entry_call) != NULL;
}

int faasfuse_fuse_object(LLVMModuleRef M, const char *callee_name,
                         const struct faasfuse_host *host, char *err,
                         size_t errlen) {
  struct ff_callee_tree callees = RB_INITIALIZER(&callees);
  struct ff_site_list sites = TAILQ_HEAD_INITIALIZER(sites);
  char msg[512];
  int rc = -1;

  if (entry_done(M) || LLVMGetNamedMetadataNumOperands(M, FF_OBJECT_MD) > 0)
    return 0; /* fused already, by opt or an earlier run */
  if (callee_name != NULL && *callee_name) {
    if (faasfuse_prepare_callee(M, callee_name, err, errlen) != 0)
      return -1;
  } else if (LLVMGetNamedMetadataNumOperands(M, FF_CALLEES_MD) > 0) {
    return 0; /* a callee prepared by opt: the caller's pass fuses it */
  } else {
    ff_find_call_sites(M, &sites);
    bool is_entry = (ff_abi_definition(M, "faas_func_call") != NULL);
    if (TAILQ_EMPTY(&sites) && !is_entry)
      return 0; /* nothing of Nightcore in this file */
    ff_free_sites(&sites);
  }
  if (ff_read_callees(M, &callees, msg, sizeof msg) != 0) {
    ff_error(err, errlen, "faasfuse: %s", msg);
    goto out;
  }
  struct ff_callee *c;
  RB_FOREACH(c, ff_callee_tree, &callees)
    ff_register_descriptor(M, c->desc);
  if (ff_link_runtime(M, true, FAASFUSE_RUNTIME_IR, NULL, err, errlen) != 0)
    goto out;
  if (callee_name == NULL || !*callee_name) {
    if ((ff_abi_definition(M, "faas_func_call") != NULL) &&
        ff_instrument_entry(M, "", &callees, err, errlen) != 0)
      goto out;
  }
  ff_find_call_sites(M, &sites);
  fuse_sites(M, &sites, &callees, true, true, host);
  ff_share_runtime_entry_points(M);
  mark(M, FF_OBJECT_MD);
  rc = 0;
out:
  ff_free_sites(&sites);
  ff_free_callees(&callees);
  return rc;
}

int faasfuse_fuse_lto(LLVMModuleRef M, const struct faasfuse_host *host,
                      char *err, size_t errlen) {
  struct faasfuse_options opts;
  memset(&opts, 0, sizeof opts);
  /* Only when the entry itself was compiled without the plugin. */
  if (entry_done(M) || !(ff_abi_definition(M, "faas_func_call") != NULL) ||
      LLVMGetNamedMetadataNumOperands(M, FF_CALLEES_MD) == 0)
    return 0;
  return fuse_module(M, &opts, host, true, err, errlen);
}

int faasfuse_trim_runtime(LLVMModuleRef M) {
  return ff_trim_precompiled_runtime(M) ? 1 : 0;
}
