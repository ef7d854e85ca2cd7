/* Foo for --callgraph: calls Bar by a literal name, then the function its
 * input names (a name known only at run time), and answers with both
 * replies. */
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

struct worker {
  void *caller_context;
  faas_invoke_func_fn_t invoke_func_fn;
  faas_append_output_fn_t append_output_fn;
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
  const char *reply;
  size_t reply_length;
  char name[64];
  if (w->invoke_func_fn(w->caller_context, "Bar", input, input_length, &reply,
                        &reply_length) != 0)
    return -1;
  w->append_output_fn(w->caller_context, reply, reply_length);
  if (input_length >= sizeof name)
    return -1;
  memcpy(name, input, input_length);
  name[input_length] = '\0';
  if (w->invoke_func_fn(w->caller_context, name, "", 0, &reply,
                        &reply_length) != 0)
    return -1;
  w->append_output_fn(w->caller_context, reply, reply_length);
  return 0;
}
