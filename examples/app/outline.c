/* Outline (public): the numbered outline of a document written as nested
 * sections, "Title{...}" one after another, each holding its own
 * ("Intro{} Usage{Install{} Run{}}" -> "1 Intro #intro; 2 Usage #usage;
 * 2.1 Install #install; 2.2 Run #run"). Outline numbers the sections of one
 * level and has Section render each; Section calls Outline again for what
 * the section holds, so the two recurse as deep as the document nests, and
 * no deeper. A header "at=2.1;" numbers the sections under 2.1 (Section
 * uses it). A section Section cannot render (nested too deep, or with a
 * body that is not sections) shows as "NUM ?"; a document whose own level
 * is not sections fails the request. An empty document has an empty
 * outline. */
#include "service.h"

/* The end of the section that starts at in[i] ("Title{...}"): the index
 * just after its closing brace; 0 with a message in why otherwise. */
static size_t section_end(const char *in, size_t len, size_t i, char *why,
                          size_t why_size) {
  size_t open = i;
  while (open < len && in[open] != '{' && in[open] != '}')
    open++;
  if (open == len || in[open] == '}') {
    snprintf(why, why_size, "expected '{' after the title at byte %zu", i);
    return 0;
  }
  for (size_t depth = 0, k = open; k < len; k++) {
    depth += in[k] == '{';
    if (in[k] == '}' && --depth == 0)
      return k + 1;
  }
  snprintf(why, why_size, "the '{' at byte %zu is never closed", open);
  return 0;
}

int faas_func_call(void *handle, const char *input, size_t len) {
  struct service *s = handle;
  size_t at_len = 0, doc_len, number = 0;
  const char *at = header_field(input, len, "at", &at_len);
  const char *doc = request_body(input, len, &doc_len);
  char why[128];

  for (size_t i = 0; i < doc_len;) {
    if (doc[i] == ' ' || doc[i] == '\t') {
      i++;
      continue;
    }
    size_t end = section_end(doc, doc_len, i, why, sizeof why);
    if (end == 0) {
      emitf(s, "outline: %s", why);
      return 1; /* the request fails: the message goes with the output */
    }
    /* Section's request: "at=NUM; Title{...}", NUM this section's number. */
    char num[32];
    int num_len = snprintf(num, sizeof num, "%.*s%s%zu", (int)at_len,
                           at != NULL ? at : "", at_len > 0 ? "." : "",
                           ++number);
    if (num_len < 0 || (size_t)num_len >= sizeof num) {
      emits(s, "outline: nested too deep to number");
      return 1;
    }
    size_t request_len = 3 + (size_t)num_len + 2 + (end - i);
    char *request = malloc(request_len);
    if (request == NULL)
      return 1;
    memcpy(request, "at=", 3);
    memcpy(request + 3, num, (size_t)num_len);
    memcpy(request + 3 + num_len, "; ", 2);
    memcpy(request + 5 + num_len, doc + i, end - i);

    const char *rendered;
    size_t rendered_len;
    if (number > 1)
      emit(s, "; ", 2);
    if (s->invoke(s->ctx, "Section", request, request_len, &rendered,
                  &rendered_len) == 0) {
      emit(s, rendered, rendered_len);
    } else {
      emit(s, num, (size_t)num_len);
      emits(s, " ?");
    }
    free(request);
    i = end;
  }
  return 0;
}
