/*
 * Errors and remarks of the pass core. Errors are one line, written into the
 * caller's buffer; remarks go to the host (the C++ shim turns them into
 * LLVM optimization remarks, shown by -pass-remarks=faasfuse).
 *
 * Out of memory is the one fatal error: every allocation of the core goes
 * through ff_xmalloc and friends, which never return NULL. A failure is
 * reported in one line by the host's fatal handler (the shim's reports it
 * the way LLVM reports its own fatal errors, after removing output files)
 * and the process exits nonzero. No allocation failure is dropped silently.
 */
#include <bsd/stdlib.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faasfuse_internal.h"

void ff_error(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  if (err == NULL || errlen == 0)
    return;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  /* One line, whatever a file name or a type printed. */
  for (char *p = err; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
}

bool ff_remarks_on(const struct faasfuse_host *host, enum faasfuse_remark_kind kind,
                   LLVMValueRef at) {
  if (host == NULL || host->remark == NULL)
    return false;
  return kind == FAASFUSE_REMARK_WARNING || host->remarks_on == NULL ||
         host->remarks_on(host->opaque, at);
}

void ff_remark(const struct faasfuse_host *host, enum faasfuse_remark_kind kind,
               LLVMValueRef at, const char *name, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  if (!ff_remarks_on(host, kind, at))
    return; /* one per site: formatting it for no one cost 2% of the pass */
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  host->remark(host->opaque, kind, at, name, msg);
}

void ff_quote(char *dst, size_t dstlen, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0, i;
  if (dstlen == 0)
    return;
  for (i = 0; i < len && o + 5 < dstlen; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
      dst[o++] = (char)c;
    } else {
      dst[o++] = '\\';
      dst[o++] = 'x';
      dst[o++] = hex[c >> 4];
      dst[o++] = hex[c & 15];
    }
  }
  if (i < len)
    for (int k = 0; k < 3 && o + 1 < dstlen; k++)
      dst[o++] = '.';
  dst[o] = '\0';
}

/* ---- allocation: never NULL ---------------------------------------------- */

static void (*fatal_handler)(const char *msg);

void faasfuse_set_fatal_handler(void (*handler)(const char *msg)) {
  fatal_handler = handler;
}

void ff_fatal(const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (fatal_handler != NULL)
    fatal_handler(msg); /* does not return */
  fprintf(stderr, "%s\n", msg);
  exit(1);
}

/* FAASFUSE_FAIL_ALLOC=N makes the core's N-th allocation fail (counted from
 * 1 per process), so a test can see the out-of-memory path; LLVM's own
 * allocations are untouched. */
static bool injected_failure(void) {
  static atomic_long left = -1;
  long n = atomic_load(&left);
  if (n == -1) {
    const char *env = getenv("FAASFUSE_FAIL_ALLOC");
    long want = env != NULL ? strtol(env, NULL, 10) : 0;
    long expect = -1;
    atomic_compare_exchange_strong(&left, &expect, want > 0 ? want : 0);
  }
  for (n = atomic_load(&left); n > 0;)
    if (atomic_compare_exchange_weak(&left, &n, n - 1))
      return n == 1;
  return false;
}

static void *checked(void *p, size_t n, size_t size) {
  if (p == NULL && n != 0 && size != 0)
    ff_fatal("faasfuse: out of memory (allocating %zu x %zu bytes)", n, size);
  return p;
}

void *ff_xcalloc(size_t n, size_t size) {
  if (n == 0 || size == 0)
    n = size = 1;
  return checked(injected_failure() ? NULL : calloc(n, size), n, size);
}

void *ff_xreallocarray(void *p, size_t n, size_t size) {
  if (n == 0 || size == 0)
    n = size = 1;
  return checked(injected_failure() ? NULL : reallocarray(p, n, size), n, size);
}

void *ff_xmalloc(size_t size) { return ff_xreallocarray(NULL, 1, size); }

char *ff_xstrndup(const char *s, size_t len) {
  char *p = ff_xmalloc(len + 1);
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}
