/* Foo for --callgraph: calls Bar by a literal name, then the function its
 * input names (a name known only at run time), and answers with both
 * replies. */
#include <string.h>

#include "../../../Inputs/worker_skeleton.h"

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
