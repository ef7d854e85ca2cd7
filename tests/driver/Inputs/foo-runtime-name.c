/* Foo as in examples/foo.c, but the callee's name is known only at run time:
 * the worker keeps a heap copy made when it is created, like a C++ service's
 * std::string member. */
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *caller_context;
  faas_invoke_func_fn_t invoke_func_fn;
  faas_append_output_fn_t append_output_fn;
  char *callee;
};

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->callee = strdup("Bar");
  if (w->callee == NULL) {
    free(w);
    return -1;
  }
  w->caller_context = caller_context;
  w->invoke_func_fn = invoke_func_fn;
  w->append_output_fn = append_output_fn;
  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  struct worker *w = worker_handle;
  free(w->callee);
  free(w);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  const char *reply;
  size_t reply_length;
  if (w->invoke_func_fn(w->caller_context, w->callee, input, input_length,
                        &reply, &reply_length) != 0)
    return -1;
  w->append_output_fn(w->caller_context, "Foo got [", 9);
  w->append_output_fn(w->caller_context, reply, reply_length);
  w->append_output_fn(w->caller_context, "]\n", 2);
  return 0;
}
