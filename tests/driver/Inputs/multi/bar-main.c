/* Bar as two files: this one (the ABI) and bar-reply.c (format_reply, the
 * helper that upper-cases the input). Answers as examples/bar.c does. */
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *caller_context;
  faas_append_output_fn_t append_output_fn;
};

int format_reply(struct worker *w, const char *input, size_t length);

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  (void)invoke_func_fn;
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->caller_context = caller_context;
  w->append_output_fn = append_output_fn;
  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  free(worker_handle);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  if (format_reply(worker_handle, input, input_length) != 0)
    return -1;
  if (input_length == 4 && memcmp(input, "fail", 4) == 0)
    return 1;
  return 0;
}
