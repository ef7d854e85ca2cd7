/* Count, a Nightcore function in C called by the Rust function Text: answers
 * "bytes=N words=M" for its input. */
#include <stdio.h>
#include <stdlib.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *caller_context;
  faas_append_output_fn_t append_output_fn;
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
  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  free(worker_handle);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  size_t words = 0;
  for (size_t i = 0; i < input_length; i++)
    if (input[i] != ' ' && (i == 0 || input[i - 1] == ' '))
      words++;
  char text[64];
  int n = snprintf(text, sizeof text, "bytes=%zu words=%zu", input_length, words);
  w->append_output_fn(w->caller_context, text, (size_t)n);
  return 0;
}
