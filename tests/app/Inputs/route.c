/* Route (public): "NAME PAYLOAD" calls the function NAME, a name known only
 * at run time (read from the input), with PAYLOAD: "NAME=REPLY", or
 * "NAME failed" when the call fails (a name the app does not have, or a
 * callee that fails). */
#include "app_worker.h"

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  const char *reply, *space = memchr(input, ' ', len);
  size_t reply_len, n = space ? (size_t)(space - input) : len;
  char name[64];

  if (n >= sizeof name)
    return 1;
  memcpy(name, input, n);
  name[n] = '\0';
  const char *payload = space ? space + 1 : input + len;
  size_t payload_len = (size_t)(input + len - payload);
  puts_(w, name);
  if (w->invoke(w->ctx, name, payload, payload_len, &reply, &reply_len) != 0) {
    puts_(w, " failed");
    return 0;
  }
  puts_(w, "=");
  put(w, reply, reply_len);
  return 0;
}
