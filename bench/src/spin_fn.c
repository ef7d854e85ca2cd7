/*
 * The thread section's control: a Nightcore function that calls nothing and
 * shares nothing, only arithmetic on its own input (FNV-1a over it, 8
 * times) and one 8-byte append. Whatever it loses per thread from 1 to 2
 * threads is the machine's, not a lock's or a shared cache line's.
 */
#include <stdint.h>

#include "../../tests/Inputs/worker_skeleton.h"

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  struct worker *w = worker_handle;
  uint64_t h = 0xcbf29ce484222325u;
  for (int round = 0; round < 8; round++)
    for (size_t i = 0; i < input_length; i++)
      h = (h ^ (unsigned char)input[i]) * 0x100000001b3u;
  w->append_output_fn(w->caller_context, (const char *)&h, sizeof h);
  return 0;
}
