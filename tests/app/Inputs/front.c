/* Front (public): fans out to Upper, Count and Ping (Upper and Count both
 * call Log): "Front[UPPER|COUNT|PING]". */
#include "app_worker.h"

int faas_func_call(void *handle, const char *input, size_t len) {
  static const char *const callees[] = {"Upper", "Count", "Ping"};
  static const char *const inputs[] = {NULL, NULL, "2"};
  struct worker *w = handle;
  const char *reply;
  size_t reply_len;

  puts_(w, "Front[");
  for (int i = 0; i < 3; i++) {
    const char *in = inputs[i] ? inputs[i] : input;
    size_t n = inputs[i] ? strlen(inputs[i]) : len;
    if (w->invoke(w->ctx, callees[i], in, n, &reply, &reply_len) != 0)
      return 1;
    if (i > 0)
      puts_(w, "|");
    put(w, reply, reply_len);
  }
  puts_(w, "]");
  return 0;
}
