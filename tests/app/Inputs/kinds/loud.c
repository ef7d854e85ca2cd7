/* The static library Shout links (libs/libloud.a, built by the test). */
const char *loud(void) { return "!!!"; }
