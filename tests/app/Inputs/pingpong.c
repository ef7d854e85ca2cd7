/* Ping and Pong, one source built twice (-DME=Ping -DPEER=Pong and the
 * other way round): a cycle Ping -> Pong -> Ping bounded by the depth in
 * the input, "Ping(2)[Pong(1)[Ping(0)]]". */
#include <stdio.h>

#include "app_worker.h"

#define STR2(x) #x
#define STR(x) STR2(x)

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  const char *reply;
  size_t reply_len;
  char buf[32];
  int depth;

  snprintf(buf, sizeof buf, "%.*s", (int)(len < 16 ? len : 16), input);
  depth = atoi(buf);
  snprintf(buf, sizeof buf, "%s(%d)", STR(ME), depth);
  puts_(w, buf);
  if (depth > 0) {
    snprintf(buf, sizeof buf, "%d", depth - 1);
    if (w->invoke(w->ctx, STR(PEER), buf, strlen(buf), &reply, &reply_len))
      return 1;
    puts_(w, "[");
    put(w, reply, reply_len);
    puts_(w, "]");
  }
  return 0;
}
