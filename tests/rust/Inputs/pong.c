/* Pong, a C function on a cycle with Ping (Rust): for input N > 0 it
 * invokes Ping with N - 1 and answers "pong<N>[<Ping's reply>]"; for 0 it
 * answers "pong0". */
#include <stdio.h>
#include <string.h>

#include "../../Inputs/worker_skeleton.h"

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  char text[32];
  if (input_length == 0 || input_length >= sizeof text)
    return -1;
  memcpy(text, input, input_length);
  text[input_length] = '\0';
  int n = atoi(text);
  if (n == 0) {
    w->append_output_fn(w->caller_context, "pong0", 5);
    return 0;
  }
  int len = snprintf(text, sizeof text, "%d", n - 1);
  const char *reply;
  size_t reply_length;
  if (w->invoke_func_fn(w->caller_context, "Ping", text, (size_t)len, &reply,
                        &reply_length) != 0)
    return -1;
  len = snprintf(text, sizeof text, "pong%d[", n);
  w->append_output_fn(w->caller_context, text, (size_t)len);
  w->append_output_fn(w->caller_context, reply, reply_length);
  w->append_output_fn(w->caller_context, "]", 1);
  return 0;
}
