/* A library that lacks faas_func_call. */
#include "faas/worker_v1_interface.h"

int faas_init(void) { return 0; }
int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  (void)caller_context, (void)invoke_func_fn, (void)append_output_fn;
  *worker_handle = 0;
  return 0;
}
int faas_destroy_func_worker(void *worker_handle) {
  (void)worker_handle;
  return 0;
}
