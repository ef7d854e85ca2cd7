/* Normalize: the words of a piece of text, the way every part of the
 * service compares them: ASCII letters lower-cased, digits kept, bytes
 * from 0x80 up (UTF-8 letters) kept as they are, apostrophes dropped
 * ("don't" -> "dont"), and everything else a separator; the words are
 * joined by single spaces, without a leading or trailing one. Text with no
 * word in it ("!!!") gives an empty output. Tokenize, Tags and Section all
 * call it: one shared callee, which a merge could serve to each of them. */
#include <ctype.h>

#include "service.h"

static int is_word_byte(unsigned char c) {
  return isalnum(c) || c >= 0x80;
}

int faas_func_call(void *handle, const char *input, size_t len) {
  struct service *s = handle;
  char *out = malloc(len > 0 ? len : 1);
  size_t n = 0;
  int pending_space = 0;

  if (out == NULL)
    return 1;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)input[i];
    if (c == '\'')
      continue; /* inside a word: "don't" is one word */
    if (!is_word_byte(c)) {
      pending_space = n > 0;
      continue;
    }
    if (pending_space)
      out[n++] = ' ';
    pending_space = 0;
    out[n++] = (char)tolower(c);
  }
  if (n > 0)
    emit(s, out, n);
  free(out);
  return 0;
}
