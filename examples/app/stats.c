/* Stats: a router. A request "stat=words,chars; TEXT" asks for statistics
 * of TEXT by kind; each kind is served by the function "Stat" + the kind
 * capitalized (words -> StatWords), a name built from the request, so the
 * code shows none of them: app.json lists them in Stats's "calls". A kind
 * the app has no function for ("vowels": StatVowels) fails as an RPC to a
 * missing function does, and is answered "vowels=unknown"; a kind that
 * cannot make a name (not all letters, too long) is "KIND=invalid" and
 * called nothing. Each kind is one more append: "words=12 chars=80". */
#include "service.h"

#define MAX_KIND 32

/* "Stat" and kind (n bytes) capitalized, in name; 0, or -1 when the kind
 * is not 1 to MAX_KIND ASCII letters. */
static int function_of(const char *kind, size_t n,
                       char name[sizeof "Stat" + MAX_KIND]) {
  if (n == 0 || n > MAX_KIND)
    return -1;
  memcpy(name, "Stat", 4);
  for (size_t i = 0; i < n; i++) {
    char c = kind[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c < 'a' || c > 'z')
      return -1;
    name[4 + i] = i == 0 ? (char)(c - 'a' + 'A') : c;
  }
  name[4 + n] = '\0';
  return 0;
}

int faas_func_call(void *handle, const char *input, size_t len) {
  struct service *s = handle;
  size_t kinds_len, text_len;
  const char *kinds = header_field(input, len, "stat", &kinds_len);
  const char *text = request_body(input, len, &text_len);
  int first = 1;

  for (size_t start = 0; kinds != NULL && start < kinds_len;) {
    const char *comma = memchr(kinds + start, ',', kinds_len - start);
    size_t end = comma != NULL ? (size_t)(comma - kinds) : kinds_len;
    const char *kind = kinds + start, *reply;
    size_t kind_len = end - start, reply_len;
    char name[sizeof "Stat" + MAX_KIND];

    start = end + 1;
    if (kind_len == 0)
      continue; /* "words,,chars" */
    if (!first)
      emit(s, " ", 1);
    first = 0;
    emit(s, kind, kind_len);
    if (function_of(kind, kind_len, name) != 0)
      emits(s, "=invalid");
    else if (s->invoke(s->ctx, name, text, text_len, &reply, &reply_len) != 0)
      emits(s, "=unknown"); /* -1: no such function (or it failed) */
    else {
      emit(s, "=", 1);
      emit(s, reply, reply_len);
    }
  }
  return 0;
}
