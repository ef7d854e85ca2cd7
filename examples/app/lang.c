/* Lang: guesses the language of a review from its words (Tokenize's
 * output: lower-case, single spaces) by counting the common short words
 * of English, French, German and Spanish, and answers the two-letter code
 * of the language with the most ("en", "fr", "de", "es"). A review with
 * none of them, or a tie with English, is taken for English, the language
 * most reviews are written in. */
#include "service.h"

struct language {
  const char *code;
  const char *const *words; /* NULL-terminated */
};

static const char *const english[] = {"the", "and", "is", "was", "it", "to",
                                      "of", "a", "not", "very", "with", NULL};
static const char *const french[] = {"le", "la", "les", "et", "est", "un",
                                     "une", "pas", "tres", "des", "avec", NULL};
static const char *const german[] = {"der", "die", "das", "und", "ist", "nicht",
                                     "sehr", "ein", "eine", "mit", NULL};
static const char *const spanish[] = {"el", "los", "las", "y", "es", "muy",
                                      "una", "que", "con", "pero", NULL};
static const struct language languages[] = {
    {"en", english}, {"fr", french}, {"de", german}, {"es", spanish}};
#define LANGUAGES (sizeof languages / sizeof languages[0])

static int is_word(const char *const *words, const char *w, size_t n) {
  for (; *words != NULL; words++)
    if (strlen(*words) == n && memcmp(*words, w, n) == 0)
      return 1;
  return 0;
}

int faas_func_call(void *handle, const char *input, size_t len) {
  struct service *s = handle;
  size_t hits[LANGUAGES] = {0};

  for (size_t start = 0; start < len;) {
    const char *space = memchr(input + start, ' ', len - start);
    size_t end = space != NULL ? (size_t)(space - input) : len;
    for (size_t l = 0; l < LANGUAGES; l++)
      hits[l] += is_word(languages[l].words, input + start, end - start);
    start = end + 1;
  }
  size_t best = 0; /* English wins ties */
  for (size_t l = 1; l < LANGUAGES; l++)
    if (hits[l] > hits[best])
      best = l;
  emits(s, languages[best].code);
  return 0;
}
