/* A callee that appends its input and then a ">": two appends, the first
 * a copy of the input. */
#include "../../Inputs/worker_skeleton.h"

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  w->append_output_fn(w->caller_context, input, len);
  w->append_output_fn(w->caller_context, ">", 1);
  return 0;
}
