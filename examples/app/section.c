/* Section: renders one section of a document for Outline. Its request is
 * "at=NUM; Title{body}"; it answers "NUM Title #anchor", the anchor being
 * the title's words (Normalize) joined by '-' ("NUM (untitled)" when the
 * title is empty), followed by "; " and the outline of its body, which it
 * asks Outline for with "at=NUM; body": the other half of the Outline <->
 * Section recursion. It refuses sections nested more than MAX_LEVELS deep
 * and bodies Outline cannot read (a failure, which Outline shows as
 * "NUM ?"). */
#include "service.h"

#define MAX_LEVELS 8

static int is_blank(char c) { return c == ' ' || c == '\t'; }

int faas_func_call(void *handle, const char *input, size_t len) {
  struct service *s = handle;
  size_t num_len = 0, text_len, levels = 1;
  const char *num = header_field(input, len, "at", &num_len);
  const char *text = request_body(input, len, &text_len);
  const char *open = memchr(text, '{', text_len);

  if (num == NULL || num_len == 0 || open == NULL ||
      text[text_len - 1] != '}')
    return 1; /* not a request of Outline's */
  for (size_t i = 0; i < num_len; i++)
    levels += num[i] == '.';
  if (levels > MAX_LEVELS)
    return 1;

  size_t title_len = (size_t)(open - text);
  while (title_len > 0 && is_blank(text[title_len - 1]))
    title_len--;
  const char *anchor;
  size_t anchor_len;
  if (s->invoke(s->ctx, "Normalize", text, title_len, &anchor, &anchor_len) != 0)
    return 1;
  emit(s, num, num_len);
  emit(s, " ", 1);
  if (title_len > 0)
    emit(s, text, title_len);
  else
    emits(s, "(untitled)");
  if (anchor_len > 0) {
    emit(s, " #", 2);
    for (const char *space; (space = memchr(anchor, ' ', anchor_len)) != NULL;) {
      emit(s, anchor, (size_t)(space - anchor));
      emit(s, "-", 1);
      anchor_len -= (size_t)(space - anchor) + 1;
      anchor = space + 1;
    }
    emit(s, anchor, anchor_len);
  }

  /* The body: between the title's '{' and the last '}'. */
  const char *body = open + 1;
  size_t body_len = (size_t)(text + text_len - 1 - body);
  size_t blank = 0;
  while (blank < body_len && is_blank(body[blank]))
    blank++;
  if (blank == body_len)
    return 0; /* a section with nothing inside */
  size_t request_len = 3 + num_len + 2 + body_len;
  char *request = malloc(request_len);
  if (request == NULL)
    return 1;
  memcpy(request, "at=", 3);
  memcpy(request + 3, num, num_len);
  memcpy(request + 3 + num_len, "; ", 2);
  memcpy(request + 5 + num_len, body, body_len);
  const char *outline;
  size_t outline_len;
  int rc = s->invoke(s->ctx, "Outline", request, request_len, &outline,
                     &outline_len);
  free(request); /* invoke copied it */
  if (rc != 0)
    return 1; /* what was appended is dropped with the failure */
  if (outline_len > 0) {
    emit(s, "; ", 2);
    emit(s, outline, outline_len);
  }
  return 0;
}
