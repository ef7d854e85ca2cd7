/* Count: the input's length, then Log's reply: "3<log3>". */
#include <stdio.h>

#include "app_worker.h"

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  const char *reply;
  size_t reply_len;
  char num[32];

  if (w->invoke(w->ctx, "Log", input, len, &reply, &reply_len) != 0)
    return 1;
  snprintf(num, sizeof num, "%zu<", len);
  puts_(w, num);
  put(w, reply, reply_len);
  puts_(w, ">");
  return 0;
}
