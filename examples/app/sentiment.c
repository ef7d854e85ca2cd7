/* Sentiment: how a review feels, from its words (Tokenize's output). Each
 * word of a small lexicon weighs from -3 to +3, negated by a "not",
 * "never" or "no" just before it ("not good" counts as bad). The score is
 * tanh(sum / (2 sqrt(words weighed))), from -1 to +1, answered with two
 * decimals, a label (positive above 0.25, negative below -0.25) and how
 * many words weighed: "+0.76 positive (5 words)". A review with no such
 * word gets an empty output. The one function of the app that links a
 * library: libm, through "link": ["-lm"] in app.json. */
#include <math.h>

#include "service.h"

struct weight {
  const char *word;
  int value;
};

static const struct weight lexicon[] = {
    {"excellent", 3}, {"amazing", 3},      {"great", 2},    {"delicious", 2},
    {"love", 2},      {"loved", 2},        {"recommend", 2}, {"good", 1},
    {"friendly", 1},  {"fresh", 1},        {"clean", 1},    {"nice", 1},
    {"terrible", -3}, {"awful", -3},       {"rude", -2},    {"dirty", -2},
    {"overpriced", -2}, {"disappointing", -2}, {"bad", -1}, {"slow", -1},
    {"cold", -1},     {"bland", -1},       {"noisy", -1},
};
#define LEXICON (sizeof lexicon / sizeof lexicon[0])

static int weight_of(const char *w, size_t n) {
  for (size_t i = 0; i < LEXICON; i++)
    if (strlen(lexicon[i].word) == n && memcmp(lexicon[i].word, w, n) == 0)
      return lexicon[i].value;
  return 0;
}

static int is_negation(const char *w, size_t n) {
  return (n == 3 && memcmp(w, "not", 3) == 0) ||
         (n == 5 && memcmp(w, "never", 5) == 0) ||
         (n == 2 && memcmp(w, "no", 2) == 0);
}

int faas_func_call(void *handle, const char *input, size_t len) {
  struct service *s = handle;
  long sum = 0;
  size_t weighed = 0;
  int negated = 0;

  for (size_t start = 0; start < len;) {
    const char *space = memchr(input + start, ' ', len - start);
    size_t end = space != NULL ? (size_t)(space - input) : len;
    int w = weight_of(input + start, end - start);
    if (w != 0) {
      sum += negated ? -w : w;
      weighed++;
    }
    negated = is_negation(input + start, end - start);
    start = end + 1;
  }
  if (weighed == 0)
    return 0;
  /* sqrt: a long review needs more words to lean as far as a short one */
  double score = tanh((double)sum / (2 * sqrt((double)weighed)));
  const char *label = score > 0.25    ? "positive"
                      : score < -0.25 ? "negative"
                                      : "neutral";
  emitf(s, "%+.2f %s (%zu word%s)", score, label, weighed,
        weighed == 1 ? "" : "s");
  return 0;
}
