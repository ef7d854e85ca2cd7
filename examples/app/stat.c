/* StatWords, StatChars, StatSentences: the statistics Stats routes to, one
 * source built three times, each function with its own -D in app.json's
 * "cflags" (a function is a library of its own, so each build exports its
 * own faas_func_call). Each answers a count of its input, in decimal:
 *   STAT_WORDS      words: runs of bytes other than spaces
 *   STAT_CHARS      characters: UTF-8 code points, not bytes ("café" is 4)
 *   STAT_SENTENCES  sentences: runs of '.', '!' or '?' ("Why?!" is 1), and
 *                   a last one without an end if it has a word */
#include "service.h"

#if defined(STAT_WORDS) + defined(STAT_CHARS) + defined(STAT_SENTENCES) != 1
#error "build with exactly one of -DSTAT_WORDS, -DSTAT_CHARS, -DSTAT_SENTENCES"
#endif

#if defined(STAT_WORDS)
static size_t count(const char *in, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += in[i] != ' ' && (i == 0 || in[i - 1] == ' ');
  return n;
}
#elif defined(STAT_CHARS)
static size_t count(const char *in, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += ((unsigned char)in[i] & 0xc0) != 0x80; /* not a continuation byte */
  return n;
}
#else
static int is_end(char c) { return c == '.' || c == '!' || c == '?'; }

static size_t count(const char *in, size_t len) {
  size_t n = 0;
  int words_since_end = 0;
  for (size_t i = 0; i < len; i++) {
    if (is_end(in[i]) && (i + 1 == len || !is_end(in[i + 1]))) {
      n++;
      words_since_end = 0;
    } else if (!is_end(in[i]) && in[i] != ' ') {
      words_since_end = 1;
    }
  }
  return n + words_since_end;
}
#endif

int faas_func_call(void *handle, const char *input, size_t len) {
  struct service *s = handle;
  emitf(s, "%zu", count(input, len));
  return 0;
}
