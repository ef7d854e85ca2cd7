/* Nightcore functions for the input-copy tests (build with -DFN_NAME):
 *   Tokens  splits its input on ' ' with strtok, writing NULs into it (a
 *           callee may: on Nightcore it reads its own copy), and answers
 *           "n=COUNT last=LAST".
 *   Hooked  hands its input to a function of append_output_fn's type that
 *           is not its worker's, which flips the case of every letter in
 *           place, then appends it.
 *   Swapped puts such a function in its worker's append_output_fn field for
 *           the call (it flips, then appends through the field's old value)
 *           and appends its input through the field.
 *   Echo    appends its input and the reply of invoking Tokens on it: it
 *           only reads the input, which it gets uncopied.
 *   Caller  invokes CALLEE (Tokens unless -DCALLEE="...") on a buffer of its
 *           own, then answers the reply and what its buffer holds
 *           afterwards, byte for byte.
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

#if defined(FN_Hooked) || defined(FN_Swapped)
static faas_append_output_fn_t next_append;
__attribute__((noinline)) void flip_case(void *ctx, const char *data, size_t n) {
  char *s = (char *)data;
  for (size_t i = 0; i < n; i++)
    if ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')
      s[i] ^= 0x20;
  if (next_append != NULL)
    next_append(ctx, data, n);
}
#endif

#ifdef FN_Hooked
void (*volatile hook)(void *, const char *, size_t) = flip_case;
int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  hook(w->caller_context, input, len);
  w->append_output_fn(w->caller_context, input, len);
  return 0;
}
#endif

#ifdef FN_Swapped
int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  next_append = w->append_output_fn;
  w->append_output_fn = flip_case;
  w->append_output_fn(w->caller_context, input, len);
  w->append_output_fn = next_append;
  return 0;
}
#endif

#ifdef FN_Echo
int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  const char *out;
  size_t outlen;
  w->append_output_fn(w->caller_context, input, len);
  if (w->invoke_func_fn(w->caller_context, "Tokens", input, len, &out, &outlen) != 0)
    return 3;
  w->append_output_fn(w->caller_context, " / ", 3);
  w->append_output_fn(w->caller_context, out, outlen);
  return 0;
}
#endif

#ifdef FN_Caller
#ifndef CALLEE
#define CALLEE "Tokens"
#endif
int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  char *buf = malloc(len + 1);
  const char *out;
  size_t outlen;
  if (buf == NULL)
    return 1;
  memcpy(buf, input, len);
  buf[len] = '\0';
  int rc = w->invoke_func_fn(w->caller_context, CALLEE, buf, len + 1, &out, &outlen);
  if (rc == 0)
    w->append_output_fn(w->caller_context, out, outlen);
  w->append_output_fn(w->caller_context, " | ", 3);
  /* the caller's buffer, NULs and all */
  w->append_output_fn(w->caller_context, buf, len + 1);
  free(buf);
  return rc == 0 ? 0 : 2;
}
#endif
