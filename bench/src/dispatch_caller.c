/*
 * The caller of the name-dispatch benchmark, as a Nightcore function
 * library. Each request invokes CALLS times the function named TARGET on its
 * own input and checks every reply (status 0, as long as the input, first
 * byte equal); it then appends "ok\n", or "bad\n" if a reply was wrong, so
 * every variant answers the same bytes whatever it calls.
 *
 *   -DCALLS=n        invokes per request (0: the baseline, no invoke)
 *   -DTARGET='"X"'   the callee's name
 *   -DRUNTIME_NAME   the name is a heap copy the worker makes when it is
 *                    created (as a C++ transport's std::string member), so
 *                    the pass cannot know it: the call dispatches on it.
 *                    Without it the name is a literal at the call site.
 */
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

#if !defined(CALLS) || !defined(TARGET)
#error "define CALLS and TARGET"
#endif

struct worker {
  void *caller_context;
  faas_invoke_func_fn_t invoke_func_fn;
  faas_append_output_fn_t append_output_fn;
  char *target;
};

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  struct worker *w = malloc(sizeof *w);
  if (w == NULL)
    return -1;
  w->target = strdup(TARGET);
  if (w->target == NULL) {
    free(w);
    return -1;
  }
  w->caller_context = caller_context;
  w->invoke_func_fn = invoke_func_fn;
  w->append_output_fn = append_output_fn;
  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  struct worker *w = worker_handle;
  free(w->target);
  free(w);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  int bad = 0;
  for (int i = 0; i < CALLS; i++) {
    const char *reply;
    size_t reply_length;
#ifdef RUNTIME_NAME
    const char *name = w->target;
#else
    const char *name = TARGET;
#endif
    int rc = w->invoke_func_fn(w->caller_context, name, input, input_length, &reply,
                               &reply_length);
    bad |= rc != 0 || reply_length != input_length ||
           (input_length > 0 && reply[0] != input[0]);
  }
  w->append_output_fn(w->caller_context, bad ? "bad\n" : "ok\n", bad ? 4 : 3);
  return 0;
}
