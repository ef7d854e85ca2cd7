/* Foo as two files: this one (the ABI, calling Bar by name) and
 * foo-reply.c (format_reply, which wraps Bar's reply). Bar's files define a
 * format_reply too: each function's files are linked into one module before
 * it is merged, so each calls its own. Answers as examples/foo.c does. */
#include "../../../Inputs/worker_skeleton.h"

void format_reply(struct worker *w, const char *reply, size_t length);

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  const char *reply;
  size_t reply_length;
  if (w->invoke_func_fn(w->caller_context, "Bar", input, input_length, &reply,
                        &reply_length) != 0)
    return -1;
  format_reply(w, reply, reply_length);
  return 0;
}
