/*
 * Nightcore functions for the end-to-end tests, one per -DFN_<Name>: the
 * same source builds every library. Main is the entry; it picks a scenario
 * from the first word of its input and reports what it observed, so that a
 * merged run and an unmerged run can be compared byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
};

static int init_calls;

int faas_init(void) {
  init_calls++;
#ifdef FN_BadInit
  return 1;
#else
  return 0;
#endif
}

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t invoke,
                            faas_append_output_fn_t append, void **worker_handle) {
#ifdef FN_BadCreate
  (void)caller_context; (void)invoke; (void)append; (void)worker_handle;
  return 1;
#else
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->ctx = caller_context;
  w->invoke = invoke;
  w->append = append;
  *worker_handle = w;
  return 0;
#endif
}

int faas_destroy_func_worker(void *worker_handle) {
  free(worker_handle);
  return 0;
}

static void put(struct worker *w, const char *s) { w->append(w->ctx, s, strlen(s)); }

static void putf(struct worker *w, const char *fmt, long a, long b) {
  char buf[128];
  int n = snprintf(buf, sizeof buf, fmt, a, b);
  w->append(w->ctx, buf, (size_t)n);
}

#ifdef FN_Main
/* Not Nightcore's invoke, but of the same type: must keep its behaviour. */
static int local_invoke(void *ctx, const char *name, const char *in, size_t len,
                        const char **out, size_t *outlen) {
  (void)ctx; (void)in; (void)len;
  *out = "local-invoke:";
  *outlen = 13;
  return name[0] == 'A' ? 7 : 8;
}

/* Reports a reply: its return code, NULL-ness, length and bytes (hex). */
static void report(struct worker *w, const char *what, int rc, const char *out,
                   size_t len) {
  static const char hex[] = "0123456789abcdef";
  put(w, what);
  putf(w, " rc=%ld null=%ld bytes=", rc, out == NULL);
  for (size_t i = 0; i < len; i++) {
    char h[2] = {hex[(unsigned char)out[i] >> 4], hex[out[i] & 15]};
    w->append(w->ctx, h, 2);
  }
  put(w, "\n");
}

int faas_func_call(void *worker_handle, const char *input, size_t len) {
  struct worker *w = worker_handle;
  const char *out = (const char *)1;
  size_t n = 99;
  int rc;
  char arg[64] = "";
  const char *sp = memchr(input, ' ', len);
  size_t cmd = sp ? (size_t)(sp - input) : len;
  if (sp != NULL && len - cmd - 1 < sizeof arg) {
    memcpy(arg, sp + 1, len - cmd - 1);
    arg[len - cmd - 1] = '\0';
  }
#define IS(s) (cmd == strlen(s) && memcmp(input, s, cmd) == 0)
  if (IS("appends")) {
    rc = w->invoke(w->ctx, "Appender", arg, strlen(arg), &out, &n);
    report(w, "Appender", rc, out, n);
  } else if (IS("empty")) {
    rc = w->invoke(w->ctx, "Empty", input, len, &out, &n);
    report(w, "Empty", rc, out, n);
  } else if (IS("binary")) {
    rc = w->invoke(w->ctx, "Binary", input, len, &out, &n);
    report(w, "Binary", rc, out, n);
  } else if (IS("fail")) {
    rc = w->invoke(w->ctx, "Failer", input, len, &out, &n);
    report(w, "Failer", rc, out, n);
  } else if (IS("unknown")) {
    rc = w->invoke(w->ctx, "Nope", input, len, &out, &n);
    report(w, "Nope", rc, out, n);
  } else if (IS("keep")) {
    /* Nightcore's lifetime rule: every reply stays valid until we return. */
    const char *kept[50];
    size_t kn[50];
    for (int i = 0; i < 50; i++) {
      char in[16];
      int m = snprintf(in, sizeof in, "k%d", i);
      if (w->invoke(w->ctx, "Appender", in, (size_t)m, &kept[i], &kn[i]) != 0)
        return 1;
    }
    for (int i = 0; i < 50; i++)
      report(w, "kept", 0, kept[i], kn[i]);
  } else if (IS("nested")) {
    rc = w->invoke(w->ctx, "Middle", arg, strlen(arg), &out, &n);
    report(w, "Middle", rc, out, n);
  } else if (IS("recurse")) {
    /* Main -> Ping -> Main -> ...: each level keeps its own output. */
    long depth = strtol(arg, NULL, 10);
    putf(w, "Main depth %ld init_calls %ld\n", depth, init_calls);
    if (depth > 0) {
      char in[32];
      int m = snprintf(in, sizeof in, "%ld", depth);
      rc = w->invoke(w->ctx, "Ping", in, (size_t)m, &out, &n);
      report(w, "Ping", rc, out, n);
    }
  } else if (IS("fnptr")) {
    faas_invoke_func_fn_t fp = local_invoke;
    if (arg[0] == 'x') /* defeat constant propagation of fp */
      fp = w->invoke;
    rc = fp(w->ctx, "Appender", input, len, &out, &n);
    report(w, "local", rc, out, n);
  } else if (IS("badinit")) {
    rc = w->invoke(w->ctx, "BadInit", input, len, &out, &n);
    report(w, "BadInit", rc, out, n);
    rc = w->invoke(w->ctx, "BadInit", input, len, &out, &n);
    report(w, "BadInit again", rc, out, n);
  } else if (IS("badcreate")) {
    rc = w->invoke(w->ctx, "BadCreate", input, len, &out, &n);
    report(w, "BadCreate", rc, out, n);
  } else if (IS("counter")) {
    for (int i = 0; i < 3; i++) {
      rc = w->invoke(w->ctx, "Counter", input, len, &out, &n);
      report(w, "Counter", rc, out, n);
    }
  } else if (IS("big")) {
    long size = strtol(arg, NULL, 10);
    rc = w->invoke(w->ctx, "Big", arg, strlen(arg), &out, &n);
    putf(w, "Big rc=%ld len=%ld", rc, (long)n);
    long sum = 0;
    for (size_t i = 0; i < n; i++)
      sum = (sum * 31 + (unsigned char)out[i]) % 1000000007;
    putf(w, " sum=%ld want=%ld\n", sum, size);
  } else if (IS("byname")) {
    /* The callee is named by the request, so only at run time. */
    rc = w->invoke(w->ctx, arg, "dyn", 3, &out, &n);
    report(w, arg[0] ? arg : "(empty name)", rc, out, n);
  } else if (IS("self-fail")) {
    put(w, "this output must not be seen");
    return 5;
  } else {
    put(w, "unknown scenario\n");
  }
  return 0;
}
#endif

#ifdef FN_Appender
int faas_func_call(void *worker_handle, const char *input, size_t len) {
  struct worker *w = worker_handle;
  char copy[64];
  w->append(w->ctx, "AAA", 3);
  w->append(w->ctx, "", 0);
  w->append(w->ctx, "BBB", 3);
  /* append copies at once: the buffer may be reused right after */
  memcpy(copy, input, len < sizeof copy ? len : sizeof copy);
  w->append(w->ctx, copy, len < sizeof copy ? len : sizeof copy);
  memset(copy, 'X', sizeof copy);
  w->append(w->ctx, "CCC", 3);
  return 0;
}
#endif

#ifdef FN_Empty
int faas_func_call(void *worker_handle, const char *input, size_t len) {
  (void)worker_handle; (void)input; (void)len;
  return 0;
}
#endif

#ifdef FN_Binary
int faas_func_call(void *worker_handle, const char *input, size_t len) {
  struct worker *w = worker_handle;
  char bytes[256];
  (void)input; (void)len;
  for (int i = 0; i < 256; i++)
    bytes[i] = (char)i;
  w->append(w->ctx, bytes, 256);
  w->append(w->ctx, "\0\0", 2);
  return 0;
}
#endif

#ifdef FN_Failer
int faas_func_call(void *worker_handle, const char *input, size_t len) {
  struct worker *w = worker_handle;
  (void)input; (void)len;
  w->append(w->ctx, "junk that must be dropped", 25);
  return 1;
}
#endif

#ifdef FN_Middle
/* Merged; calls Leaf, which is not: that call must go out as an RPC. */
int faas_func_call(void *worker_handle, const char *input, size_t len) {
  struct worker *w = worker_handle;
  const char *out;
  size_t n;
  put(w, "Middle(");
  if (w->invoke(w->ctx, "Leaf", input, len, &out, &n) != 0)
    return 1;
  w->append(w->ctx, out, n);
  put(w, ")");
  return 0;
}
#endif

#ifdef FN_Leaf
int faas_func_call(void *worker_handle, const char *input, size_t len) {
  struct worker *w = worker_handle;
  put(w, "Leaf:");
  w->append(w->ctx, input, len);
  return 0;
}
#endif

#ifdef FN_Ping
/* Calls back into Main with one level less. */
int faas_func_call(void *worker_handle, const char *input, size_t len) {
  struct worker *w = worker_handle;
  char in[40];
  const char *out;
  size_t n;
  long depth = strtol(input, NULL, 10);
  (void)len;
  int m = snprintf(in, sizeof in, "recurse %ld", depth - 1);
  putf(w, "Ping depth %ld {", depth, 0);
  if (w->invoke(w->ctx, "Main", in, (size_t)m, &out, &n) != 0)
    return 1;
  w->append(w->ctx, out, n);
  put(w, "}");
  return 0;
}
#endif

#ifdef FN_Counter
/* Reports how often faas_init and its own worker ran: init once per process. */
static int calls;
int faas_func_call(void *worker_handle, const char *input, size_t len) {
  struct worker *w = worker_handle;
  (void)input; (void)len;
  putf(w, "init_calls=%ld calls=%ld", init_calls, ++calls);
  return 0;
}
#endif

#if defined(FN_BadInit) || defined(FN_BadCreate)
int faas_func_call(void *worker_handle, const char *input, size_t len) {
  (void)worker_handle; (void)input; (void)len;
  return 0;
}
#endif

#ifdef FN_Big
/* Output of the size given in the input, in several appends. */
int faas_func_call(void *worker_handle, const char *input, size_t len) {
  struct worker *w = worker_handle;
  char chunk[4096];
  (void)len;
  long size = strtol(input, NULL, 10);
  for (int i = 0; i < (int)sizeof chunk; i++)
    chunk[i] = (char)(i * 7 + 3);
  while (size > 0) {
    size_t k = size < (long)sizeof chunk ? (size_t)size : sizeof chunk;
    w->append(w->ctx, chunk, k);
    size -= (long)k;
  }
  return 0;
}
#endif
