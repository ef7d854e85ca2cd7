/* Bar that needs two libraries: greeting() from libgreet.so and suffix()
 * from libsuffix.a. Answers "Bar:" + greeting + the input upper-cased +
 * suffix; fails on "fail" after appending. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

const char *greeting(void);
const char *suffix(void);

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
  char *upper = malloc(input_length + 1);
  if (upper == NULL)
    return -1;
  for (size_t i = 0; i < input_length; i++)
    upper[i] = (char)toupper((unsigned char)input[i]);
  w->append_output_fn(w->caller_context, "Bar:", 4);
  w->append_output_fn(w->caller_context, greeting(), strlen(greeting()));
  w->append_output_fn(w->caller_context, upper, input_length);
  w->append_output_fn(w->caller_context, suffix(), strlen(suffix()));
  free(upper);
  if (input_length == 4 && memcmp(input, "fail", 4) == 0)
    return 1;
  return 0;
}
