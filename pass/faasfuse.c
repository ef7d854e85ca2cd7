/*
 * faasfuse: fuses Nightcore RPCs between functions merged into one module.
 *
 *   opt -load-pass-plugin=build/lib/FaasFuse.so \
 *       -passes='faasfuse,default<O2>' linked.bc -o merged.bc
 *   opt -load-pass-plugin=build/lib/FaasFuse.so \
 *       -passes='faasfuse<entry=Foo;link=Bar:bar.bc>,default<O2>' foo.bc -o merged.bc
 *
 * The pipeline, one file each:
 *   link_runtime.c        link=NAME:PATH callees (prepare_callee.c, with
 *                         guard_exceptions.c), the runtime
 *   instrument_entry.c    the module's own faas_* go through the runtime
 *   warn_shared_workers.c workers kept in globals, on a cycle: a warning
 *   find_call_sites.c     invoke_func_fn call sites and the names they pass
 *   rewrite_call_sites.c  guarded direct calls of the callees' wrappers
 * Parameters: entry=NAME (the entry's own Nightcore name, so calls back into
 * it fuse too), link=NAME:PATH (repeatable), no-dynamic (issue 5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "faasfuse_internal.h"
#include "llvm_compat.h"

int faasfuse_check_name(const char *name, size_t len, char *err, size_t errlen) {
  char q[96];
  if (len == 0) {
    ff_error(err, errlen, "empty function name (names match [0-9A-Za-z]+)");
    return -1;
  }
  if (len > FAASFUSE_NAME_MAX) {
    ff_error(err, errlen, "function name longer than %d characters", FAASFUSE_NAME_MAX);
    return -1;
  }
  for (size_t i = 0; i < len; i++) {
    char c = name[i];
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
      ff_quote(q, sizeof q, name, len);
      ff_error(err, errlen, "bad function name '%s' (names match [0-9A-Za-z]+)", q);
      return -1;
    }
  }
  return 0;
}

void faasfuse_free_options(struct faasfuse_options *opts) {
  for (size_t i = 0; i < opts->nlinks; i++)
    free(opts->links[i].path);
  free(opts->links);
  memset(opts, 0, sizeof *opts);
}

static int add_link(struct faasfuse_options *opts, const char *val, size_t len,
                    char *err, size_t errlen) {
  const char *colon = memchr(val, ':', len);
  char msg[256];
  if (colon == NULL || colon + 1 == val + len) {
    ff_error(err, errlen, "faasfuse: bad parameter 'link=%.*s' (expected link=NAME:PATH)",
             (int)len, val);
    return -1;
  }
  size_t nlen = (size_t)(colon - val);
  if (faasfuse_check_name(val, nlen, msg, sizeof msg) != 0) {
    ff_error(err, errlen, "faasfuse: link=%.*s: %s", (int)len, val, msg);
    return -1;
  }
  for (size_t i = 0; i < opts->nlinks; i++)
    if (strlen(opts->links[i].name) == nlen && memcmp(opts->links[i].name, val, nlen) == 0) {
      ff_error(err, errlen, "faasfuse: two callees are named '%.*s'", (int)nlen, val);
      return -1;
    }
  struct faasfuse_link *l =
      reallocarray(opts->links, opts->nlinks + 1, sizeof *opts->links);
  if (l == NULL) {
    ff_error(err, errlen, "out of memory");
    return -1;
  }
  opts->links = l;
  l = &opts->links[opts->nlinks];
  memcpy(l->name, val, nlen);
  l->name[nlen] = '\0';
  l->path = strndup(colon + 1, len - nlen - 1);
  if (l->path == NULL) {
    ff_error(err, errlen, "out of memory");
    return -1;
  }
  opts->nlinks++;
  return 0;
}

int faasfuse_parse_options(const char *params, struct faasfuse_options *opts,
                           char *err, size_t errlen) {
  char msg[256];
  memset(opts, 0, sizeof *opts);
  for (const char *p = params; p != NULL && *p;) {
    const char *end = strchr(p, ';');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    int rc = 0;
    if (len == 10 && strncmp(p, "no-dynamic", 10) == 0) {
      opts->no_dynamic = true;
    } else if (len >= 6 && strncmp(p, "entry=", 6) == 0) {
      rc = faasfuse_check_name(p + 6, len - 6, msg, sizeof msg);
      if (rc != 0)
        ff_error(err, errlen, "faasfuse: entry=: %s", msg);
      else if (*opts->entry_name)
        ff_error(err, errlen, "faasfuse: entry= given twice"), rc = -1;
      else
        memcpy(opts->entry_name, p + 6, len - 6);
    } else if (len >= 5 && strncmp(p, "link=", 5) == 0) {
      rc = add_link(opts, p + 5, len - 5, err, errlen);
    } else {
      ff_error(err, errlen,
               "faasfuse: unknown parameter '%.*s' (expected entry=NAME, "
               "link=NAME:PATH or no-dynamic)", (int)len, p);
      rc = -1;
    }
    if (rc != 0) {
      faasfuse_free_options(opts);
      return -1;
    }
    p = end ? end + 1 : NULL;
  }
  for (size_t i = 0; i < opts->nlinks; i++)
    if (strcmp(opts->links[i].name, opts->entry_name) == 0) {
      ff_error(err, errlen, "faasfuse: '%s' is the entry and a link= callee",
               opts->entry_name);
      faasfuse_free_options(opts);
      return -1;
    }
  return 0;
}

/* "'Bar', 'Baz'" for a remark. */
static void list_names(char *dst, size_t dstlen, const struct ff_site *s,
                       struct ff_callee_tree *callees, bool merged) {
  size_t o = 0;
  dst[0] = '\0';
  for (size_t i = 0; i < s->nnames && o + 8 < dstlen; i++) {
    char q[96];
    bool is_merged = ff_lookup_callee(callees, s->names[i].name, s->names[i].len) != NULL;
    if (is_merged != merged)
      continue;
    ff_quote(q, sizeof q, s->names[i].name, s->names[i].len);
    o += (size_t)snprintf(dst + o, dstlen - o, "%s'%s'", o ? ", " : "", q);
  }
}

/* The dispatch table: descriptors sorted by name, for __faasfuse_lookup,
 * and the wrapper of each, for the switch that follows it. */
static void dispatch_table(LLVMModuleRef M, struct ff_callee_tree *callees,
                           struct ff_dispatch *d) {
  LLVMTypeRef i8p = ff_i8p(M);
  struct ff_callee *c;
  unsigned n = 0;
  RB_FOREACH(c, ff_callee_tree, callees)
    n++;
  LLVMValueRef *elems = reallocarray(NULL, n ? n : 1, sizeof *elems);
  d->wrappers = reallocarray(NULL, n ? n : 1, sizeof *d->wrappers);
  if (elems == NULL || d->wrappers == NULL)
    abort(); /* out of memory inside LLVM: nothing sane to do */
  n = 0;
  RB_FOREACH(c, ff_callee_tree, callees) {
    d->wrappers[n] = c->wrapper;
    elems[n++] = ff_const_ptr_cast(c->desc, i8p);
  }
  LLVMValueRef init = LLVMConstArray(i8p, elems, n);
  LLVMValueRef G = LLVMAddGlobal(M, LLVMTypeOf(init), "__faasfuse_dispatch_table");
  LLVMSetInitializer(G, init);
  LLVMSetGlobalConstant(G, 1);
  LLVMSetLinkage(G, LLVMInternalLinkage);
  d->table = G;
  d->ntable = n;
  free(elems);
}

/* Rewrites one site, or says why it stays an RPC. */
/* The wrapper of a callee that may be linked in from another object: a
 * hidden weak reference, null when it is not. */
static LLVMValueRef weak_wrapper(LLVMModuleRef M, const char *name) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMTypeRef i8p = ff_i8p(M), i64 = LLVMInt64TypeInContext(C);
  LLVMTypeRef params[5] = {i8p, i8p, i64, ff_ptr_to(i8p), ff_ptr_to(i64)};
  char sym[FAASFUSE_NAME_MAX + 32];
  snprintf(sym, sizeof sym, FF_WRAPPER_PREFIX "%s", name);
  LLVMValueRef F = LLVMGetNamedFunction(M, sym);
  if (F != NULL)
    return F;
  F = LLVMAddFunction(M, sym, LLVMFunctionType(LLVMInt32TypeInContext(C), params, 5, 0));
  LLVMSetLinkage(F, LLVMExternalWeakLinkage);
  LLVMSetVisibility(F, LLVMHiddenVisibility);
  return F;
}

static void fuse_site(LLVMModuleRef M, struct ff_site *s,
                      struct ff_callee_tree *callees, struct ff_dispatch *dispatch,
                      bool dynamic, bool object_mode, LLVMValueRef rt_invoke,
                      const struct faasfuse_host *host) {
  struct ff_arm arms[64];
  size_t narms = 0;
  char merged[512], unmerged[512];

  for (size_t i = 0; i < s->nnames && narms < 64; i++) {
    struct ff_name *n = &s->names[i];
    struct ff_callee *c = ff_lookup_callee(callees, n->name, n->len);
    arms[narms].ptr = s->kind == FF_NAME_CONSTANT ? NULL : n->ptr;
    arms[narms].weak = false;
    if (c != NULL) {
      arms[narms++].wrapper = c->wrapper;
    } else if (object_mode && faasfuse_check_name(n->name, n->len, NULL, 0) == 0) {
      arms[narms].wrapper = weak_wrapper(M, n->name);
      arms[narms++].weak = true;
    }
  }
  switch (s->kind) {
  case FF_NAME_CONSTANT:
  case FF_NAME_CHOICE:
    list_names(merged, sizeof merged, s, callees, true);
    list_names(unmerged, sizeof unmerged, s, callees, false);
    if (object_mode && narms > 0) {
      ff_remark(host, FAASFUSE_REMARK_PASSED, s->inst, "FusedIfLinked",
                "call to %s%s%s%s becomes a direct call wherever its object is "
                "linked in, else stays an RPC", s->kind == FF_NAME_CHOICE ? "one of " : "",
                merged, *merged && *unmerged ? ", " : "", unmerged);
      ff_rewrite_site(M, s, arms, narms, NULL, rt_invoke);
      return;
    }
    if (narms == 0) {
      ff_remark(host, FAASFUSE_REMARK_MISSED, s->inst, "NotMerged",
                "call to %s%s stays an RPC: no function of %s name is merged",
                s->kind == FF_NAME_CHOICE ? "one of " : "", unmerged,
                s->nnames > 1 ? "those" : "that");
      return;
    }
    if (s->kind == FF_NAME_CONSTANT)
      ff_remark(host, FAASFUSE_REMARK_PASSED, s->inst, "Fused",
                "fused call to %s into a direct call", merged);
    else
      ff_remark(host, FAASFUSE_REMARK_PASSED, s->inst, "FusedChoice",
                "fused call to one of %s into direct calls chosen by pointer "
                "comparison%s%s%s", merged, *unmerged ? " (" : "", unmerged,
                *unmerged ? " stay RPCs)" : "");
    ff_rewrite_site(M, s, arms, narms, NULL, rt_invoke);
    return;
  case FF_NAME_DYNAMIC:
    if (!dynamic) {
      ff_remark(host, FAASFUSE_REMARK_MISSED, s->inst, "NameNotConstant",
                "call stays an RPC: %s (run-time dispatch is off: no-dynamic)",
                s->why_dynamic);
      return;
    }
    if (dispatch->fn == NULL || dispatch->lookup == NULL) {
      ff_remark(host, FAASFUSE_REMARK_MISSED, s->inst, "NameNotConstant",
                "call stays an RPC: %s (this runtime has no dispatch)", s->why_dynamic);
      return;
    }
    if (object_mode) {
      ff_remark(host, FAASFUSE_REMARK_PASSED, s->inst, "FusedDispatch",
                "call with a run-time name (%s) dispatches by name to the "
                "functions linked into the library, other names stay RPCs",
                s->why_dynamic);
      ff_rewrite_site(M, s, NULL, 0, dispatch, rt_invoke);
      return;
    }
    if (dispatch->table == NULL)
      dispatch_table(M, callees, dispatch);
    ff_remark(host, FAASFUSE_REMARK_PASSED, s->inst, "FusedDispatch",
              "call with a run-time name (%s) dispatches to the %u merged "
              "function(s) by name, other names stay RPCs", s->why_dynamic,
              dispatch->ntable);
    ff_rewrite_site(M, s, NULL, 0, dispatch, rt_invoke);
    return;
  }
}

/* Fuses every call site of the module, once the runtime is linked in. */
static void fuse_sites(LLVMModuleRef M, struct ff_callee_tree *callees, bool dynamic,
                       bool object_mode, const struct faasfuse_host *host) {
  struct ff_site_list sites = TAILQ_HEAD_INITIALIZER(sites);
  LLVMValueRef rt_invoke = LLVMGetNamedFunction(M, FAASFUSE_RT_INVOKE);
  struct ff_dispatch dispatch = {LLVMGetNamedFunction(M, FAASFUSE_RT_DISPATCH),
                                 LLVMGetNamedFunction(M, FAASFUSE_RT_LOOKUP), NULL, NULL, 0};
  struct ff_site *s;
  ff_find_call_sites(M, &sites);
  TAILQ_FOREACH(s, &sites, link)
    fuse_site(M, s, callees, &dispatch, dynamic, object_mode, rt_invoke, host);
  ff_free_sites(&sites);
  free(dispatch.wrappers);
}

/* Tags the module with the named metadata `md`, so later runs know. */
static void mark(LLVMModuleRef M, const char *md) {
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMMetadataRef tag = LLVMMDStringInContext2(C, "faasfuse", 8);
  LLVMAddNamedMetadataOperand(M, md, LLVMMetadataAsValue(C, LLVMMDNodeInContext2(C, &tag, 1)));
}

static int fuse_module(LLVMModuleRef M, const struct faasfuse_options *opts,
                       const struct faasfuse_host *host, bool lto, char *err,
                       size_t errlen) {
  struct ff_callee_tree callees = RB_INITIALIZER(&callees);
  struct ff_site_list sites = TAILQ_HEAD_INITIALIZER(sites);
  LLVMValueRef abi[FF_NABI];
  char msg[512];
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

  if (ff_link_runtime(M, lto, err, errlen) != 0 ||
      ff_instrument_entry(M, opts->entry_name, &callees, err, errlen) != 0)
    goto out;

  ff_warn_shared_workers(M, &callees, opts->entry_name, host);
  fuse_sites(M, &callees, !opts->no_dynamic, false, host);
  if (!lto)
    ff_internalize_fused(M);
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
  return LLVMGetNamedMetadataNumOperands(M, FF_FUSED_MD) > 0 ||
         ff_abi_definition(M, "__faasfuse." FF_ENTRY_TAG ".faas_func_call") != NULL;
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
  if (ff_link_runtime(M, true, err, errlen) != 0)
    goto out;
  if (callee_name == NULL || !*callee_name) {
    if ((ff_abi_definition(M, "faas_func_call") != NULL) &&
        ff_instrument_entry(M, "", &callees, err, errlen) != 0)
      goto out;
  }
  fuse_sites(M, &callees, true, true, host);
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
