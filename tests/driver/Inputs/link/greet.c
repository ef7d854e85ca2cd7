/* libgreet.so: a shared library a function links with (-l greet). */
const char *greeting(void) { return "hello from libgreet, "; }
