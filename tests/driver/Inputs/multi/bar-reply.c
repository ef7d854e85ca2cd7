/* The second file of Bar (see bar-main.c): "Bar:" and the input
 * upper-cased. */
#include <ctype.h>
#include <stdlib.h>

#include "faas/worker_v1_interface.h"

/* bar-main.c's worker (tests/Inputs/worker_skeleton.h). */
struct worker {
  void *caller_context;
  faas_invoke_func_fn_t invoke_func_fn;
  faas_append_output_fn_t append_output_fn;
};

int format_reply(struct worker *w, const char *input, size_t length) {
  char *upper = malloc(length + 1);
  if (upper == NULL)
    return -1;
  for (size_t i = 0; i < length; i++)
    upper[i] = (char)toupper((unsigned char)input[i]);
  w->append_output_fn(w->caller_context, "Bar:", 4);
  w->append_output_fn(w->caller_context, upper, length);
  free(upper);
  return 0;
}
