/* A caller that invokes "Baz" and prints what it got. */
#include <string.h>

#include "../../Inputs/worker_skeleton.h"

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  const char *out;
  size_t outlen;
  if (w->invoke_func_fn(w->caller_context, "Baz", input, len, &out, &outlen) != 0)
    return 1;
  w->append_output_fn(w->caller_context, "caller got [", 12);
  w->append_output_fn(w->caller_context, out, outlen);
  w->append_output_fn(w->caller_context, "]\n", 2);
  return 0;
}
