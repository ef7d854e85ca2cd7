/*
 * Reply, the callee of the kept-replies series: input SIZE (decimal), output
 * SIZE bytes of 'r', appended 4 KiB at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *caller_context;
  faas_append_output_fn_t append_output_fn;
  char block[4096];
};

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
  memset(w->block, 'r', sizeof w->block);
  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  free(worker_handle);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  size_t left = 0;
  for (size_t i = 0; i < input_length; i++) {
    if (input[i] < '0' || input[i] > '9' || left > (size_t)1 << 40)
      return -1;
    left = left * 10 + (size_t)(input[i] - '0');
  }
  while (left > 0) {
    size_t n = left < sizeof w->block ? left : sizeof w->block;
    w->append_output_fn(w->caller_context, w->block, n);
    left -= n;
  }
  return 0;
}
