/* Two Nightcore functions for the input-copy test (build with -DFN_Caller or
 * -DFN_Tokens):
 *   Tokens  splits its input on ' ' with strtok, writing NULs into it (a
 *           callee may: on Nightcore it reads its own copy), and answers
 *           "n=COUNT last=LAST".
 *   Caller  invokes Tokens on a buffer of its own, then answers Tokens'
 *           reply and what its buffer holds afterwards, byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
};

int faas_init(void) { return 0; }

int faas_create_func_worker(void *ctx, faas_invoke_func_fn_t invoke,
                            faas_append_output_fn_t append, void **handle) {
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->ctx = ctx;
  w->invoke = invoke;
  w->append = append;
  *handle = w;
  return 0;
}

int faas_destroy_func_worker(void *handle) {
  free(handle);
  return 0;
}

#ifdef FN_Tokens
int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  char *s = (char *)input, *last = "", *save = NULL, out[128];
  int n = 0;
  if (len == 0 || s[len - 1] != '\0')
    return 1; /* wants a NUL-terminated request */
  for (char *t = strtok_r(s, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save)) {
    n++;
    last = t;
  }
  int k = snprintf(out, sizeof out, "n=%d last=%s", n, last);
  w->append(w->ctx, out, (size_t)k);
  return 0;
}
#endif

#ifdef FN_Caller
int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  char *buf = malloc(len + 1);
  const char *out;
  size_t outlen;
  if (buf == NULL)
    return 1;
  memcpy(buf, input, len);
  buf[len] = '\0';
  int rc = w->invoke(w->ctx, "Tokens", buf, len + 1, &out, &outlen);
  if (rc == 0)
    w->append(w->ctx, out, outlen);
  w->append(w->ctx, " | ", 3);
  w->append(w->ctx, buf, len + 1); /* the caller's buffer, NULs and all */
  free(buf);
  return rc == 0 ? 0 : 2;
}
#endif
