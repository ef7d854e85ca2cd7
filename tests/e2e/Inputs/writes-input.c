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

#include "../../Inputs/worker_skeleton.h"

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
  w->append_output_fn(w->caller_context, out, (size_t)k);
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
  int rc = w->invoke_func_fn(w->caller_context, "Tokens", buf, len + 1, &out, &outlen);
  if (rc == 0)
    w->append_output_fn(w->caller_context, out, outlen);
  w->append_output_fn(w->caller_context, " | ", 3);
  /* the caller's buffer, NULs and all */
  w->append_output_fn(w->caller_context, buf, len + 1);
  free(buf);
  return rc == 0 ? 0 : 2;
}
#endif
