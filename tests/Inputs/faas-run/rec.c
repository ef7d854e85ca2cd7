/* Half of a recursion Foo -> Bar -> Foo -> ...: built with -DME=Foo
 * -DPEER=Bar and -DME=Bar -DPEER=Foo (or ME = PEER for a function that
 * calls itself). The input is the depth left; the output nests the replies:
 * "Foo(2)[Bar(1)[Foo(0)]]". A worker entered again while it runs fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

#define STR2(x) #x
#define STR(x) STR2(x)

struct worker {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
  int running;
};

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  struct worker *w = calloc(1, sizeof *w);
  if (w == NULL)
    return -1;
  w->ctx = caller_context;
  w->invoke = invoke_func_fn;
  w->append = append_output_fn;
  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  free(worker_handle);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t len) {
  struct worker *w = worker_handle;
  char buf[32];
  const char *reply;
  size_t reply_len;
  int depth;

  if (w->running)
    return 99; /* re-entered: the host broke the contract */
  w->running = 1;
  snprintf(buf, sizeof buf, "%.*s", (int)(len < 16 ? len : 16), input);
  depth = atoi(buf);
  snprintf(buf, sizeof buf, "%s(%d)", STR(ME), depth);
  w->append(w->ctx, buf, strlen(buf));
  if (depth > 0) {
    snprintf(buf, sizeof buf, "%d", depth - 1);
    if (w->invoke(w->ctx, STR(PEER), buf, strlen(buf), &reply, &reply_len)) {
      w->running = 0;
      return 1;
    }
    w->append(w->ctx, "[", 1);
    w->append(w->ctx, reply, reply_len);
    w->append(w->ctx, "]", 1);
  }
  w->running = 0;
  return 0;
}
