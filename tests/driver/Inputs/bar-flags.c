/* examples/bar.c's replies, but it builds only with faas-merge's -I, -D and
 * --cflags: prefix.h comes from -I Inputs/include, UPPER from -D, and
 * TWICE_OK from --cflags. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../../Inputs/worker_skeleton.h"
#include "prefix.h"

#if !defined(UPPER) || !defined(TWICE_OK)
#error "needs -D UPPER and --cflags -DTWICE_OK"
#endif

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  char *upper = malloc(input_length + 1);
  if (upper == NULL)
    return -1;
  for (size_t i = 0; i < input_length; i++)
    upper[i] = (char)UPPER((unsigned char)input[i]);
  w->append_output_fn(w->caller_context, BAR_TAG, strlen(BAR_TAG));
  w->append_output_fn(w->caller_context, upper, input_length);
  free(upper);
  if (input_length == 4 && memcmp(input, "fail", 4) == 0)
    return 1;
  return 0;
}
