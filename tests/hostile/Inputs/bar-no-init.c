/* A Bar without faas_init: Nightcore's launcher could not load it. */
#include <stddef.h>

#include "faas/worker_v1_interface.h"

int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  (void)invoke_func_fn;
  (void)append_output_fn;
  *worker_handle = caller_context;
  return 0;
}
int faas_destroy_func_worker(void *worker_handle) {
  (void)worker_handle;
  return 0;
}
int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  (void)worker_handle;
  (void)input;
  (void)input_length;
  return 0;
}
