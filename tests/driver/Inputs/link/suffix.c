/* libsuffix.a: a static library a function links with (its path). */
const char *suffix(void) { return " (suffix from libsuffix.a)"; }
