/* Tool: a Nightcore function whose behaviour its input chooses, for the
 * faas-run tests.
 *   abc          three appends: AAABBBCCC
 *   empty        no append at all
 *   zero         one append of length 0
 *   fail         appends, then returns 1 (the host must drop the output)
 *   exit         _exit(7) in the middle of the call
 *   abort        abort() in the middle of the call
 *   huge         appends 1 byte, then claims INT32_MAX more (the host checks
 *                the total before reading, so the claim is never read)
 *   gen SEED N   N bytes 'a' + (SEED + i) % 26, in appends of up to 1000
 *   bin          bytes with NULs: A \0 B \0 \0 C \n \377 \0, in 3 appends
 *   echo:TEXT    TEXT, as is (binary-safe)
 *   count        how many calls this process has served, shared by threads
 *   tid          the calling thread's id
 *   print        writes to stdout with printf, outputs "printed"
 *   title        this process's title (/proc/self/cmdline to the first NUL)
 *   sleep        sleeps 30 s, then outputs "slept"
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../worker_skeleton.h"

static int calls;

static int is(const char *in, size_t len, const char *word) {
  return len == strlen(word) && memcmp(in, word, len) == 0;
}

static void append_str(struct worker *w, const char *s) {
  w->append_output_fn(w->caller_context, s, strlen(s));
}

int faas_func_call(void *worker_handle, const char *in, size_t len) {
  struct worker *w = worker_handle;
  char line[64];
  int n = __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);

  if (is(in, len, "abc")) {
    append_str(w, "AAA");
    append_str(w, "BBB");
    append_str(w, "CCC");
  } else if (is(in, len, "empty")) {
  } else if (is(in, len, "zero")) {
    w->append_output_fn(w->caller_context, "", 0);
  } else if (is(in, len, "fail")) {
    append_str(w, "this output must be dropped");
    return 1;
  } else if (is(in, len, "exit")) {
    append_str(w, "partial");
    _exit(7);
  } else if (is(in, len, "abort")) {
    abort();
  } else if (is(in, len, "huge")) {
    append_str(w, "x");
    w->append_output_fn(w->caller_context, "y", (size_t)INT32_MAX);
  } else if (len > 4 && memcmp(in, "gen ", 4) == 0) {
    char arg[64] = {0};
    memcpy(arg, in, len < sizeof arg - 1 ? len : sizeof arg - 1);
    unsigned seed, size;
    char chunk[1000];
    if (sscanf(arg, "gen %u %u", &seed, &size) != 2)
      return 1;
    for (unsigned done = 0; done < size;) {
      unsigned k = size - done < sizeof chunk ? size - done : sizeof chunk;
      for (unsigned i = 0; i < k; i++)
        chunk[i] = (char)('a' + (seed + done + i) % 26);
      w->append_output_fn(w->caller_context, chunk, k);
      done += k;
    }
  } else if (is(in, len, "bin")) {
    w->append_output_fn(w->caller_context, "A\0B", 3);
    w->append_output_fn(w->caller_context, "\0\0C\n", 4);
    w->append_output_fn(w->caller_context, "\377\0", 2);
  } else if (len >= 5 && memcmp(in, "echo:", 5) == 0) {
    w->append_output_fn(w->caller_context, in + 5, len - 5);
  } else if (is(in, len, "count")) {
    snprintf(line, sizeof line, "%d", n);
    append_str(w, line);
  } else if (is(in, len, "tid")) {
    snprintf(line, sizeof line, "%d", (int)gettid());
    append_str(w, line);
  } else if (is(in, len, "print")) {
    printf("this went to stdout\n");
    fflush(stdout);
    append_str(w, "printed");
  } else if (is(in, len, "title")) {
    char title[256] = {0};
    FILE *f = fopen("/proc/self/cmdline", "r");
    if (f == NULL)
      return 1;
    size_t got = fread(title, 1, sizeof title - 1, f);
    fclose(f);
    w->append_output_fn(w->caller_context, title, strnlen(title, got));
  } else if (is(in, len, "sleep")) {
    sleep(30);
    append_str(w, "slept");
  } else {
    append_str(w, "unknown command");
    return 1;
  }
  return 0;
}
