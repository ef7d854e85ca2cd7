/*
 * Keep, the caller of the kept-replies series: input "K SIZE". It invokes
 * Reply K times with input SIZE and keeps every reply until it returns, as
 * an entry that gathers its callees' answers before it writes its own;
 * then appends one line, the sum of the replies' lengths and last bytes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "faas/worker_v1_interface.h"

#define MAX_REPLIES 4096

struct worker {
  void *caller_context;
  faas_invoke_func_fn_t invoke_func_fn;
  faas_append_output_fn_t append_output_fn;
  const char *reply[MAX_REPLIES];
  size_t reply_length[MAX_REPLIES];
};

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->caller_context = caller_context;
  w->invoke_func_fn = invoke_func_fn;
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
  char text[64], size[24];
  long k = 0, n = 0;
  if (input_length >= sizeof text)
    return -1;
  snprintf(text, sizeof text, "%.*s", (int)input_length, input);
  if (sscanf(text, "%ld %ld", &k, &n) != 2 || k < 1 || k > MAX_REPLIES || n < 1)
    return -1;
  int size_length = snprintf(size, sizeof size, "%ld", n);
  for (long i = 0; i < k; i++)
    if (w->invoke_func_fn(w->caller_context, "Reply", size, (size_t)size_length,
                          &w->reply[i], &w->reply_length[i]) != 0)
      return -1;
  unsigned long sum = 0;
  for (long i = 0; i < k; i++)
    sum += w->reply_length[i] + (unsigned char)w->reply[i][w->reply_length[i] - 1];
  int len = snprintf(text, sizeof text, "%lu\n", sum);
  w->append_output_fn(w->caller_context, text, (size_t)len);
  return 0;
}
