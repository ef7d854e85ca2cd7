// The second file of Bar (see bar-main.cc).
#include <cctype>
#include <string>

#if !defined(BAR_FN) || !defined(UPPER_FILE) || defined(MAIN_FILE)
#error "needs -DBAR_FN and -DUPPER_FILE, and not -DMAIN_FILE"
#endif

std::string upper(const char *input, size_t length) {
  std::string s(input, length);
  for (char &c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
