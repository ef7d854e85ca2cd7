/* Upper: the input in capitals, then Log's reply: "ABC<log3>". Fails on an
 * input with a digit in it. */
#include "app_worker.h"

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  const char *reply;
  size_t reply_len;

  if (w->invoke(w->ctx, "Log", input, len, &reply, &reply_len) != 0)
    return 1;
  for (size_t i = 0; i < len; i++) {
    char c = input[i];
    if (c >= '0' && c <= '9')
      return 1;
    c = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    put(w, &c, 1);
  }
  puts_(w, "<");
  put(w, reply, reply_len);
  puts_(w, ">");
  return 0;
}
