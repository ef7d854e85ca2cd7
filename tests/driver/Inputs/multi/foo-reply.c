/* The second file of Foo (see foo-main.c). */
#include <stddef.h>

#include "faas/worker_v1_interface.h"

/* foo-main.c's worker (tests/Inputs/worker_skeleton.h). */
struct worker {
  void *caller_context;
  faas_invoke_func_fn_t invoke_func_fn;
  faas_append_output_fn_t append_output_fn;
};

void format_reply(struct worker *w, const char *reply, size_t length) {
  w->append_output_fn(w->caller_context, "Foo got [", 9);
  w->append_output_fn(w->caller_context, reply, length);
  w->append_output_fn(w->caller_context, "]\n", 2);
}
