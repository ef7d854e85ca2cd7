/* Front, calling the function named CALLEE (-DCALLEE=Name) on its input and
 * answering "Front got <reply>"; it fails when the invoke fails. */
#include "../../Inputs/worker_skeleton.h"

#define STR_(x) #x
#define STR(x) STR_(x)

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  const char *reply;
  size_t reply_length;
  if (w->invoke_func_fn(w->caller_context, STR(CALLEE), input, input_length, &reply,
                        &reply_length) != 0)
    return -1;
  w->append_output_fn(w->caller_context, "Front got ", 10);
  w->append_output_fn(w->caller_context, reply, reply_length);
  return 0;
}
