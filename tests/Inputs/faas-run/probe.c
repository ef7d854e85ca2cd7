/* Probe: a Nightcore function that calls others and reports what its
 * invoke_func_fn returned, for the faas-run tests. Its input is a list of
 * commands separated by ';':
 *   call NAME ARG       invoke NAME with ARG; one line:
 *                       "rc=R out=null|set len=L" and, for a success,
 *                       " data=[...]" (up to 64 bytes) or " sum=HASH"
 *   relay NAME ARG      invoke NAME with ARG and output its reply as is
 *   keep N SIZE         invoke Tool "gen i SIZE" N times, keep every reply,
 *                       and only after the last invoke check them all
 *   fill NAME           invoke NAME with "echo:" and 1 MiB of 'z'; reports
 *                       like call
 * Before each invoke the output variables hold garbage, so that the line
 * shows whether the host reset them. A failed relay or keep fails Probe.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../worker_skeleton.h"

static void say(struct worker *w, const char *s) {
  w->append_output_fn(w->caller_context, s, strlen(s));
}

static void report(struct worker *w, int rc, const char *out, size_t len) {
  char line[128];
  snprintf(line, sizeof line, "rc=%d out=%s len=%zu", rc,
           out == NULL ? "null" : "set", len);
  say(w, line);
  if (rc == 0 && len <= 64) {
    say(w, " data=[");
    w->append_output_fn(w->caller_context, out, len);
    say(w, "]");
  } else if (rc == 0) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
      h = (h ^ (unsigned char)out[i]) * 16777619u;
    snprintf(line, sizeof line, " sum=%08x", h);
    say(w, line);
  }
  say(w, "\n");
}

/* Invokes with the output variables set to garbage first. */
static int invoke(struct worker *w, const char *name, const char *in,
                  size_t len, const char **out, size_t *out_len) {
  *out = (const char *)(uintptr_t)1;
  *out_len = 12345;
  return w->invoke_func_fn(w->caller_context, name, in, len, out, out_len);
}

static int keep(struct worker *w, unsigned n, unsigned size) {
  const char **outs = calloc(n, sizeof *outs);
  size_t *lens = calloc(n, sizeof *lens);
  char arg[64], line[128];
  int rc = 0;
  for (unsigned i = 0; i < n && rc == 0; i++) {
    snprintf(arg, sizeof arg, "gen %u %u", i, size);
    rc = invoke(w, "Tool", arg, strlen(arg), &outs[i], &lens[i]);
  }
  for (unsigned i = 0; i < n && rc == 0; i++) {
    int ok = lens[i] == size;
    for (unsigned j = 0; ok && j < size; j++)
      ok = outs[i][j] == (char)('a' + (i + j) % 26);
    if (!ok) {
      snprintf(line, sizeof line, "reply %u changed after later invokes\n", i);
      say(w, line);
      rc = 1;
    }
  }
  if (rc == 0) {
    snprintf(line, sizeof line, "kept %u replies of %u bytes: all intact\n", n,
             size);
    say(w, line);
  }
  free(outs);
  free(lens);
  return rc;
}

int faas_func_call(void *worker_handle, const char *input, size_t input_len) {
  struct worker *w = worker_handle;
  char *cmds = malloc(input_len + 1), *save = NULL;
  int rc = 0;
  if (cmds == NULL)
    return 1;
  memcpy(cmds, input, input_len);
  cmds[input_len] = '\0';
  for (char *c = strtok_r(cmds, ";", &save); c != NULL && rc == 0;
       c = strtok_r(NULL, ";", &save)) {
    char verb[16] = "", name[64] = "", arg[256] = "";
    const char *out;
    size_t len;
    unsigned n, size;
    /* "call NAME ARG", where NAME may be "-" for the empty name */
    sscanf(c, "%15s %63s %255[^\n]", verb, name, arg);
    if (strcmp(name, "-") == 0)
      name[0] = '\0';
    if (strcmp(verb, "call") == 0) {
      int r = invoke(w, name, arg, strlen(arg), &out, &len);
      report(w, r, out, len);
    } else if (strcmp(verb, "relay") == 0) {
      rc = invoke(w, name, arg, strlen(arg), &out, &len);
      if (rc == 0)
        w->append_output_fn(w->caller_context, out, len);
    } else if (strcmp(verb, "keep") == 0 &&
               sscanf(c, "keep %u %u", &n, &size) == 2) {
      rc = keep(w, n, size);
    } else if (strcmp(verb, "fill") == 0) {
      size_t big = 5 + (1 << 20);
      char *z = malloc(big);
      if (z == NULL)
        return 1;
      memcpy(z, "echo:", 5);
      memset(z + 5, 'z', big - 5);
      int r = invoke(w, name, z, big, &out, &len);
      free(z);
      report(w, r, out, len);
    } else {
      say(w, "bad probe command\n");
      rc = 1;
    }
  }
  free(cmds);
  return rc;
}
