/* Crashes clang (its compiler), on purpose. */
#pragma clang __debug crash
int x;
