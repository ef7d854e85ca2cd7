/* Foo: answers with the version of the library it links (v1), then calls
 * Bar, which links v2 of the same library. */
#include <string.h>

#include "../../../Inputs/worker_skeleton.h"

const char *libver(void);

int faas_func_call(void *handle, const char *input, size_t input_length) {
  struct worker *w = handle;
  const char *out, *v = libver();
  size_t len;
  w->append_output_fn(w->caller_context, "Foo:", 4);
  w->append_output_fn(w->caller_context, v, strlen(v));
  if (w->invoke_func_fn(w->caller_context, "Bar", input, input_length, &out, &len) != 0)
    return -1;
  w->append_output_fn(w->caller_context, " ", 1);
  w->append_output_fn(w->caller_context, out, len);
  return 0;
}
