/* service.h: what every function of the review service shares. Nightcore
 * loads each function as a library of its own, so each one compiles its
 * own copy of this: faas_init, a worker that keeps the host's two
 * callbacks, its destruction, and small helpers to append to the output
 * and to read the "key=value" fields of a request. A function's source
 * includes it and defines faas_func_call. Replies of invoke_func_fn belong
 * to the host and stay valid until our faas_func_call returns, so they are
 * read in place and never freed. */
#ifndef REVIEW_SERVICE_H
#define REVIEW_SERVICE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faas/worker_v1_interface.h"

struct service {
  void *ctx;
  faas_invoke_func_fn_t invoke;
  faas_append_output_fn_t append;
};

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  struct service *s = malloc(sizeof *s);
  if (s == NULL)
    return -1;
  s->ctx = caller_context;
  s->invoke = invoke_func_fn;
  s->append = append_output_fn;
  *worker_handle = s;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  free(worker_handle);
  return 0;
}

/* Appends n bytes to this call's output; the host copies them at once. */
static inline void emit(struct service *s, const char *data, size_t n) {
  s->append(s->ctx, data, n);
}

static inline void emits(struct service *s, const char *text) {
  emit(s, text, strlen(text));
}

/* Appends formatted text (short pieces: numbers and labels). */
__attribute__((format(printf, 2, 3))) static inline void
emitf(struct service *s, const char *fmt, ...) {
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n > 0)
    emit(s, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* Where the header of a request ends: a request may begin with fields
 * "key=value ...;" ("stat=words lang=fr; text"). The ';' that ends them, or
 * NULL when the request has no header (a word before the first ';' without
 * '=' means that ';' belongs to the text). */
static inline const char *header_end(const char *in, size_t len) {
  const char *semi = memchr(in, ';', len);
  if (semi == NULL)
    return NULL;
  for (const char *p = in; p < semi;) {
    const char *word_end = memchr(p, ' ', (size_t)(semi - p));
    if (word_end == NULL)
      word_end = semi;
    if (word_end > p && memchr(p, '=', (size_t)(word_end - p)) == NULL)
      return NULL;
    p = word_end + 1;
  }
  return semi;
}

/* The value of the header field key: its start and length, or NULL. */
static inline const char *header_field(const char *in, size_t len,
                                       const char *key, size_t *value_len) {
  const char *end = header_end(in, len);
  size_t klen = strlen(key);
  for (const char *p = in; end != NULL && p < end;) {
    const char *word_end = memchr(p, ' ', (size_t)(end - p));
    if (word_end == NULL)
      word_end = end;
    if ((size_t)(word_end - p) > klen && memcmp(p, key, klen) == 0 &&
        p[klen] == '=') {
      *value_len = (size_t)(word_end - p) - klen - 1;
      return p + klen + 1;
    }
    p = word_end + 1;
  }
  return NULL;
}

/* The text of a request: what follows its header and the blanks after it. */
static inline const char *request_body(const char *in, size_t len,
                                       size_t *body_len) {
  const char *end = header_end(in, len);
  const char *p = end != NULL ? end + 1 : in;
  while (p < in + len && *p == ' ')
    p++;
  *body_len = (size_t)(in + len - p);
  return p;
}

#endif
