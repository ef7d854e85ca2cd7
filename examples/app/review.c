/* Review (public): the front door of the review service. A request is a
 * customer review, optionally after a header ("stat=words,sentences
 * lang=fr; The soup was cold..."). Review tokenizes it (Tokenize), finds
 * its language unless the header gives it (Lang), asks for a translation
 * when it is not English (Translate, a service this app does not deploy:
 * the call fails and the review is analyzed as it is), then fans out to
 * Spell, Sentiment, Tags and Stats and answers one line of their findings.
 * Only a review Tokenize refuses fails the request; an analysis that fails
 * is reported as unavailable. */
#include "service.h"

/* Calls name on input and appends "label: REPLY", or "label: EMPTY" when
 * the reply is empty, or "label: unavailable" when the call fails. */
static void analysis(struct service *s, const char *label, const char *name,
                     const char *in, size_t len, const char *empty) {
  const char *reply;
  size_t reply_len;

  emitf(s, " | %s: ", label);
  if (s->invoke(s->ctx, name, in, len, &reply, &reply_len) != 0)
    emits(s, "unavailable");
  else if (reply_len == 0)
    emits(s, empty);
  else
    emit(s, reply, reply_len);
}

int faas_func_call(void *handle, const char *input, size_t len) {
  struct service *s = handle;
  const char *tokens, *lang, *translated, *stat;
  size_t tokens_len, lang_len, translated_len, stat_len, body_len;
  const char *body = request_body(input, len, &body_len);

  if (s->invoke(s->ctx, "Tokenize", body, body_len, &tokens, &tokens_len) != 0)
    return 1; /* not text: a failed request */
  size_t words = tokens_len > 0;
  for (size_t i = 0; i < tokens_len; i++)
    words += tokens[i] == ' ';

  if ((lang = header_field(input, len, "lang", &lang_len)) == NULL &&
      s->invoke(s->ctx, "Lang", tokens, tokens_len, &lang, &lang_len) != 0) {
    lang = "en"; /* the service's default */
    lang_len = 2;
  }
  emitf(s, "lang=%.*s words=%zu", (int)lang_len, lang, words);
  if (lang_len != 2 || memcmp(lang, "en", 2) != 0) {
    if (s->invoke(s->ctx, "Translate", tokens, tokens_len, &translated,
                  &translated_len) == 0) {
      tokens = translated;
      tokens_len = translated_len;
    } else {
      emits(s, " (untranslated)");
    }
  }

  analysis(s, "spelling", "Spell", tokens, tokens_len, "ok");
  analysis(s, "sentiment", "Sentiment", tokens, tokens_len, "none");
  analysis(s, "tags", "Tags", body, body_len, "none");

  /* Stats reads the kinds from its own header and counts the raw text. */
  if ((stat = header_field(input, len, "stat", &stat_len)) == NULL) {
    stat = "words";
    stat_len = 5;
  }
  size_t request_len = 7 + stat_len + body_len; /* "stat=" KINDS "; " */
  char *request = malloc(request_len);
  if (request == NULL)
    return 1;
  memcpy(request, "stat=", 5);
  memcpy(request + 5, stat, stat_len);
  memcpy(request + 5 + stat_len, "; ", 2);
  memcpy(request + 7 + stat_len, body, body_len);
  analysis(s, "stats", "Stats", request, request_len, "none");
  free(request); /* invoke copied it */
  return 0;
}
