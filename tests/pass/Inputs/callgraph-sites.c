/* Every kind of site faasfuse-callgraph reports: a literal, a choice of
 * literals, a run-time name, a site reached only through a function
 * pointer kept in a global, and a site no ABI function reaches. */
#include "../../Inputs/worker_skeleton.h"

static int call(struct worker *w, const char *name, const char *in, size_t len) {
  const char *out;
  size_t outlen;
  if (w->invoke_func_fn(w->caller_context, name, in, len, &out, &outlen) != 0)
    return -1;
  w->append_output_fn(w->caller_context, out, outlen);
  return 0;
}

/* Reached only through `hook`, as a virtual method would be. */
static int tabled(struct worker *w, const char *in, size_t len) {
  const char *out;
  size_t outlen;
  return w->invoke_func_fn(w->caller_context, "Tabled", in, len, &out, &outlen);
}
static int (*volatile hook)(struct worker *, const char *, size_t) = tabled;

/* Exported but called by nothing of this function's. */
int unreached_helper(struct worker *w) {
  const char *out;
  size_t outlen;
  return w->invoke_func_fn(w->caller_context, "Never", "", 0, &out, &outlen);
}

int faas_func_call(void *handle, const char *input, size_t len) {
  struct worker *w = handle;
  const char *out;
  size_t outlen;
  if (w->invoke_func_fn(w->caller_context, "Bar", input, len, &out, &outlen) != 0)
    return -1;
  if (call(w, len > 3 ? "Left" : "Right", input, len) != 0)
    return -1;
  if (call(w, input, input, len) != 0) /* the input names the function */
    return -1;
  return hook(w, input, len);
}
