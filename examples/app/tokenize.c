/* Tokenize: turns a review into its words, lower-case and without
 * punctuation, separated by single spaces ("The soup. Cold!" -> "the soup
 * cold"). It cuts the text into sentences (at '.', '!' and '?') and has
 * Normalize clean each one, so that a long review is many small calls
 * rather than one large one, and appends each sentence's words as they
 * come back. It refuses text with control characters (a NUL, a newline):
 * that is not a review, and the caller's request fails. */
#include "service.h"

static int is_sentence_end(char c) { return c == '.' || c == '!' || c == '?'; }

int faas_func_call(void *handle, const char *input, size_t len) {
  struct service *s = handle;
  size_t start = 0;
  int first = 1;

  for (size_t i = 0; i < len; i++)
    if ((unsigned char)input[i] < 0x20 || input[i] == 0x7f) {
      emitf(s, "control character 0x%02x at byte %zu",
            (unsigned char)input[i], i);
      return 1; /* what was appended is dropped with the failure */
    }

  while (start < len) {
    size_t end = start;
    while (end < len && !is_sentence_end(input[end]))
      end++;
    while (end < len && is_sentence_end(input[end]))
      end++; /* "?!" and "..." end one sentence */

    const char *words;
    size_t words_len;
    if (s->invoke(s->ctx, "Normalize", input + start, end - start, &words,
                  &words_len) != 0)
      return 1;
    if (words_len > 0) {
      if (!first)
        emit(s, " ", 1);
      emit(s, words, words_len);
      first = 0;
    }
    start = end;
  }
  return 0;
}
