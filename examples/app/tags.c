/* Tags: the hashtags of a review ("#GreatFood!" -> "greatfood"), from its
 * raw text, as Tokenize drops the '#'. Each tag goes through Normalize, so
 * that "#Service" and "#service" are one tag, and is appended as it comes
 * back, separated by commas, the first MAX_TAGS only. A '#' followed by no
 * word is no tag; a review without tags gets an empty output. */
#include "service.h"

#define MAX_TAGS 8

static int is_tag_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '\'' || c >= 0x80;
}

int faas_func_call(void *handle, const char *input, size_t len) {
  struct service *s = handle;
  int tags = 0;

  for (size_t i = 0; i < len && tags < MAX_TAGS; i++) {
    if (input[i] != '#')
      continue;
    size_t start = i + 1, end = start;
    while (end < len && is_tag_byte((unsigned char)input[end]))
      end++;
    i = end - 1;
    const char *tag;
    size_t tag_len;
    if (end == start)
      continue;
    if (s->invoke(s->ctx, "Normalize", input + start, end - start, &tag,
                  &tag_len) != 0)
      return 1;
    if (tag_len == 0)
      continue; /* "#'" has no word in it */
    if (tags++ > 0)
      emit(s, ",", 1);
    /* "#Great_Food" normalizes to "great food": a tag is one word. */
    for (const char *space; (space = memchr(tag, ' ', tag_len)) != NULL;) {
      emit(s, tag, (size_t)(space - tag));
      emit(s, "_", 1);
      tag_len -= (size_t)(space - tag) + 1;
      tag = space + 1;
    }
    emit(s, tag, tag_len);
  }
  return 0;
}
