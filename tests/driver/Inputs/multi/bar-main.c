/* Bar as two files: this one (the ABI) and bar-reply.c (format_reply, the
 * helper that upper-cases the input). Answers as examples/bar.c does. */
#include <string.h>

#include "../../../Inputs/worker_skeleton.h"

int format_reply(struct worker *w, const char *input, size_t length);

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  if (format_reply(worker_handle, input, input_length) != 0)
    return -1;
  if (input_length == 4 && memcmp(input, "fail", 4) == 0)
    return 1;
  return 0;
}
