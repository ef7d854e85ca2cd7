/*
 * A callee of the name-dispatch benchmark: answers its input unchanged (one
 * append). Every merged callee and the unmerged "Other" are this file.
 */
#include "../../tests/Inputs/worker_skeleton.h"

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  w->append_output_fn(w->caller_context, input, input_length);
  return 0;
}
