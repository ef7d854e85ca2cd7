/*
 * The pass parameters, parsed once: entry=NAME, link=NAME:PATH (repeatable),
 * no-dynamic, runtime=ir|precompiled. The C++ shim hands the text here and
 * reports the error.
 */
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "faasfuse_internal.h"

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
  opts->links = ff_xreallocarray(opts->links, opts->nlinks + 1, sizeof *opts->links);
  struct faasfuse_link *l = &opts->links[opts->nlinks];
  memcpy(l->name, val, nlen);
  l->name[nlen] = '\0';
  l->path = ff_xstrndup(colon + 1, len - nlen - 1);
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
    } else if (len == 10 && strncmp(p, "runtime=ir", 10) == 0) {
      opts->runtime = FAASFUSE_RUNTIME_IR;
    } else if (len == 19 && strncmp(p, "runtime=precompiled", 19) == 0) {
      opts->runtime = FAASFUSE_RUNTIME_PRECOMPILED;
    } else if (len >= 8 && strncmp(p, "runtime=", 8) == 0) {
      ff_error(err, errlen, "faasfuse: bad parameter '%.*s' (expected runtime=ir or "
               "runtime=precompiled)", (int)len, p);
      rc = -1;
    } else {
      ff_error(err, errlen,
               "faasfuse: unknown parameter '%.*s' (expected entry=NAME, "
               "link=NAME:PATH, no-dynamic or runtime=ir|precompiled)", (int)len, p);
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
