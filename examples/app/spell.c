/* Spell: finds the usual misspellings among a review's words (Tokenize's
 * output) and answers each as "wrong>right", one append per finding,
 * separated by spaces; at most MAX_FINDINGS, then "+N more". A review
 * spelt right gets an empty output, which Review shows as "ok". */
#include "service.h"

#define MAX_FINDINGS 8

static const char *const corrections[][2] = {
    {"teh", "the"},           {"recieve", "receive"},
    {"definately", "definitely"}, {"seperate", "separate"},
    {"occured", "occurred"},  {"untill", "until"},
    {"wierd", "weird"},       {"tommorow", "tomorrow"},
    {"accomodation", "accommodation"}, {"begining", "beginning"},
    {"beleive", "believe"},   {"resturant", "restaurant"},
    {"delicous", "delicious"}, {"freind", "friend"},
    {"excelent", "excellent"}, {"reccomend", "recommend"},
};
#define CORRECTIONS (sizeof corrections / sizeof corrections[0])

/* The right spelling of the word w (n bytes), or NULL if it is not a
 * known misspelling. */
static const char *correction(const char *w, size_t n) {
  for (size_t i = 0; i < CORRECTIONS; i++)
    if (strlen(corrections[i][0]) == n && memcmp(corrections[i][0], w, n) == 0)
      return corrections[i][1];
  return NULL;
}

int faas_func_call(void *handle, const char *input, size_t len) {
  struct service *s = handle;
  size_t found = 0;

  for (size_t start = 0; start < len;) {
    const char *space = memchr(input + start, ' ', len - start);
    size_t end = space != NULL ? (size_t)(space - input) : len;
    const char *right = correction(input + start, end - start);
    if (right != NULL && found++ < MAX_FINDINGS) {
      if (found > 1)
        emit(s, " ", 1);
      emit(s, input + start, end - start);
      emit(s, ">", 1);
      emits(s, right);
    }
    start = end + 1;
  }
  if (found > MAX_FINDINGS)
    emitf(s, " +%zu more", found - MAX_FINDINGS);
  return 0;
}
