/*
 * The hand-fused chain F0 -> F1 -> ... -> F<DEPTH> (build with -DDEPTH=d,
 * 1 <= d <= 9): the rewrite faasfuse automates, done by hand. One Nightcore
 * library exporting F0's ABI; F1..F<d> are plain C functions that return
 * their output in a malloc'd buffer, and each caller calls its callee's
 * logic directly, copies the reply into its own output and frees it.
 * Output is byte for byte that of bench/src/chain_fn.c.
 */
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

#ifndef DEPTH
#error "define DEPTH"
#endif
#if DEPTH < 1 || DEPTH > 9
#error "1 <= DEPTH <= 9"
#endif

/* "F<i>(" + body + ")" in one malloc'd buffer. */
static char *wrap(const char *tag, const char *body, size_t len, size_t *out_len) {
  char *o = malloc(len + 4);
  if (o == NULL)
    return NULL;
  memcpy(o, tag, 3);
  memcpy(o + 3, body, len);
  o[3 + len] = ')';
  *out_len = len + 4;
  return o;
}

#define LEAF(I)                                                                \
  static char *f##I(const char *in, size_t len, size_t *out_len) {            \
    return wrap("F" #I "(", in, len, out_len);                                 \
  }
#define MID(I, J)                                                              \
  static char *f##I(const char *in, size_t len, size_t *out_len) {            \
    size_t rl;                                                                 \
    char *r = f##J(in, len, &rl);                                              \
    if (r == NULL)                                                             \
      return NULL;                                                             \
    char *o = wrap("F" #I "(", r, rl, out_len);                                \
    free(r);                                                                   \
    return o;                                                                  \
  }

#if DEPTH >= 9
LEAF(9)
#endif
#if DEPTH == 8
LEAF(8)
#elif DEPTH > 8
MID(8, 9)
#endif
#if DEPTH == 7
LEAF(7)
#elif DEPTH > 7
MID(7, 8)
#endif
#if DEPTH == 6
LEAF(6)
#elif DEPTH > 6
MID(6, 7)
#endif
#if DEPTH == 5
LEAF(5)
#elif DEPTH > 5
MID(5, 6)
#endif
#if DEPTH == 4
LEAF(4)
#elif DEPTH > 4
MID(4, 5)
#endif
#if DEPTH == 3
LEAF(3)
#elif DEPTH > 3
MID(3, 4)
#endif
#if DEPTH == 2
LEAF(2)
#elif DEPTH > 2
MID(2, 3)
#endif
#if DEPTH == 1
LEAF(1)
#else
MID(1, 2)
#endif

/* F0 keeps the Nightcore ABI: its output goes to the host by append. The
 * worker is the tests' (included here, where the functions stood when they
 * were written out, so that the module keeps its order). */
#include "../../tests/Inputs/worker_skeleton.h"

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  size_t reply_length;
  char *reply = f1(input, input_length, &reply_length);
  if (reply == NULL)
    return -1;
  w->append_output_fn(w->caller_context, "F0(", 3);
  w->append_output_fn(w->caller_context, reply, reply_length);
  w->append_output_fn(w->caller_context, ")", 1);
  free(reply);
  return 0;
}
