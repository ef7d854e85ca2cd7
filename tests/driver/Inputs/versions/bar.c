/* Bar: answers with the version of the library it links (v2). */
#include <string.h>

#include "../../../Inputs/worker_skeleton.h"

const char *libver(void);

int faas_func_call(void *handle, const char *input, size_t input_length) {
  struct worker *w = handle;
  const char *v = libver();
  (void)input;
  (void)input_length;
  w->append_output_fn(w->caller_context, "Bar:", 4);
  w->append_output_fn(w->caller_context, v, strlen(v));
  return 0;
}
