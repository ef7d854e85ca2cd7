/*
 * One function of a benchmark chain F0 -> F1 -> ... -> F<DEPTH>, as a
 * Nightcore function library. Build with -DFN_INDEX=i -DDEPTH=d (or from a
 * file that defines both and includes this one, as bench/run does for
 * faas-merge).
 *
 *   F<i>, i < DEPTH: invokes F<i+1> by name on its own input, then appends
 *                    "F<i>(", the reply, ")"   (three appends)
 *   F<DEPTH>, leaf:  appends "F<d>(", its input, ")"
 *
 * So F0's output for input X is "F0(F1(...F<d>(X)...))": each level copies
 * its callee's output once, plus four bytes. Names are single digits, so
 * DEPTH is at most 9.
 */
#include "../../tests/Inputs/worker_skeleton.h"

#if !defined(FN_INDEX) || !defined(DEPTH)
#error "define FN_INDEX and DEPTH"
#endif
#if DEPTH > 9 || FN_INDEX > DEPTH
#error "0 <= FN_INDEX <= DEPTH <= 9"
#endif

#define STR_(x) #x
#define STR(x) STR_(x)
#define TAG "F" STR(FN_INDEX) "("

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
#if FN_INDEX < DEPTH
#if FN_INDEX == 0
#define CALLEE "F1"
#elif FN_INDEX == 1
#define CALLEE "F2"
#elif FN_INDEX == 2
#define CALLEE "F3"
#elif FN_INDEX == 3
#define CALLEE "F4"
#elif FN_INDEX == 4
#define CALLEE "F5"
#elif FN_INDEX == 5
#define CALLEE "F6"
#elif FN_INDEX == 6
#define CALLEE "F7"
#elif FN_INDEX == 7
#define CALLEE "F8"
#else
#define CALLEE "F9"
#endif
  const char *reply;
  size_t reply_length;
  if (w->invoke_func_fn(w->caller_context, CALLEE, input, input_length, &reply,
                        &reply_length) != 0)
    return -1;
  w->append_output_fn(w->caller_context, TAG, 3);
  w->append_output_fn(w->caller_context, reply, reply_length);
  w->append_output_fn(w->caller_context, ")", 1);
#else
  w->append_output_fn(w->caller_context, TAG, 3);
  w->append_output_fn(w->caller_context, input, input_length);
  w->append_output_fn(w->caller_context, ")", 1);
#endif
  return 0;
}
