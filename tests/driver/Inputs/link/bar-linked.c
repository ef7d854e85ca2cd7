/* Bar that needs two libraries: greeting() from libgreet.so and suffix()
 * from libsuffix.a. Answers "Bar:" + greeting + the input upper-cased +
 * suffix; fails on "fail" after appending. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../../../Inputs/worker_skeleton.h"

const char *greeting(void);
const char *suffix(void);

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  char *upper = malloc(input_length + 1);
  if (upper == NULL)
    return -1;
  for (size_t i = 0; i < input_length; i++)
    upper[i] = (char)toupper((unsigned char)input[i]);
  w->append_output_fn(w->caller_context, "Bar:", 4);
  w->append_output_fn(w->caller_context, greeting(), strlen(greeting()));
  w->append_output_fn(w->caller_context, upper, input_length);
  w->append_output_fn(w->caller_context, suffix(), strlen(suffix()));
  free(upper);
  if (input_length == 4 && memcmp(input, "fail", 4) == 0)
    return 1;
  return 0;
}
