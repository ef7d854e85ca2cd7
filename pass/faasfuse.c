/*
 * faasfuse: fuses Nightcore RPCs between functions merged into one module.
 *
 *   opt -load-pass-plugin=build/lib/FaasFuse.so \
 *       -passes='faasfuse,default<O2>' linked.bc -o merged.bc
 *   opt -load-pass-plugin=build/lib/FaasFuse.so \
 *       -passes='faasfuse<entry=Foo;link=Bar:bar.bc>,default<O2>' foo.bc -o merged.bc
 *
 * The pipeline, one file each:
 *   link_runtime.c        link=NAME:PATH callees (prepare_callee.c), the runtime
 *   instrument_entry.c    the module's own faas_* go through the runtime
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

static void remark_site(const struct faasfuse_host *host, struct ff_site *s,
                        bool fused, const char *why) {
  char q[96] = "";
  if (s->name_is_constant)
    ff_quote(q, sizeof q, s->name, s->name_len);
  if (fused)
    ff_remark(host, FAASFUSE_REMARK_PASSED, s->inst, "Fused",
              "fused call to '%s' into a direct call", q);
  else if (s->name_is_constant)
    ff_remark(host, FAASFUSE_REMARK_MISSED, s->inst, "NotMerged",
              "call to '%s' stays an RPC: %s", q, why);
  else
    ff_remark(host, FAASFUSE_REMARK_MISSED, s->inst, "NameNotConstant",
              "call stays an RPC: %s", why);
}

int faasfuse_fuse_module(LLVMModuleRef M, const struct faasfuse_options *opts,
                         const struct faasfuse_host *host, char *err,
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
      remark_site(host, s, false, "no callee is merged into this module");
    rc = 0;
    goto out;
  }

  if (ff_link_runtime(M, err, errlen) != 0 ||
      ff_instrument_entry(M, opts->entry_name, &callees, err, errlen) != 0)
    goto out;

  LLVMValueRef rt_invoke = LLVMGetNamedFunction(M, FAASFUSE_RT_INVOKE);
  ff_find_call_sites(M, &sites);
  struct ff_site *s;
  TAILQ_FOREACH(s, &sites, link) {
    struct ff_callee *c = NULL;
    if (s->name_is_constant)
      c = ff_lookup_callee(&callees, s->name, s->name_len);
    if (c != NULL) {
      remark_site(host, s, true, NULL);
      ff_rewrite_site(M, s, c->wrapper, rt_invoke);
    } else if (s->name_is_constant) {
      remark_site(host, s, false, "no function of that name is merged");
    } else {
      remark_site(host, s, false, s->why_dynamic);
    }
  }

  ff_internalize_fused(M);
  LLVMContextRef C = LLVMGetModuleContext(M);
  LLVMMetadataRef tag = LLVMMDStringInContext2(C, "faasfuse", 8);
  LLVMAddNamedMetadataOperand(M, FF_FUSED_MD,
                              LLVMMetadataAsValue(C, LLVMMDNodeInContext2(C, &tag, 1)));
  rc = 0;
out:
  ff_free_sites(&sites);
  ff_free_callees(&callees);
  return rc;
}
