/* Foo: answers "Foo<" + Bar's reply to its input + ">". */
#include "../../../Inputs/worker_skeleton.h"

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  const char *reply;
  size_t reply_len;
  if (w->invoke_func_fn(w->caller_context, "Bar", input, len, &reply,
                        &reply_len) != 0)
    return -1;
  w->append_output_fn(w->caller_context, "Foo<", 4);
  w->append_output_fn(w->caller_context, reply, reply_len);
  w->append_output_fn(w->caller_context, ">", 1);
  return 0;
}
