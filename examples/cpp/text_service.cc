// TextService: a second C++ callee of ComposePost.
//
// Input: the text of a post. Reply: the text with every URL (a word that
// starts with http:// or https://) replaced by a short one, then a newline,
// then one line "@NAME" for each mention (a word "@NAME"), in order. An
// empty text gives an empty reply (which invoke may hand back as NULL/0).
// Fails on a text containing the word "spam", after appending part of the
// reply (the runtime must drop it).
#include <stdexcept>
#include <string>
#include <vector>

#include "faas/worker_v1_interface.h"

namespace {

struct TextWorker {
  void *caller_context;
  faas_append_output_fn_t append_output_fn;
  std::string short_url_base;

  void append(const std::string &s) const {
    append_output_fn(caller_context, s.data(), s.size());
  }
};

std::vector<std::string> split_words(const std::string &text) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : text) {
    if (c == ' ') {
      if (!cur.empty())
        words.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty())
    words.push_back(cur);
  return words;
}

bool starts_with(const std::string &s, const char *prefix) {
  return s.compare(0, std::char_traits<char>::length(prefix), prefix) == 0;
}

} // namespace

extern "C" {

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  TextWorker *w = new TextWorker;
  w->caller_context = caller_context;
  w->append_output_fn = append_output_fn;
  w->short_url_base = "http://sh.rt/";
  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  delete static_cast<TextWorker *>(worker_handle);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  TextWorker *w = static_cast<TextWorker *>(worker_handle);
  if (input_length == 0)
    return 0; // empty reply
  std::vector<std::string> words = split_words(std::string(input, input_length));
  std::vector<std::string> mentions;
  try {
    for (size_t i = 0; i < words.size(); i++) {
      const std::string &word = words[i];
      if (word == "spam")
        throw std::invalid_argument("spam");
      if (i > 0)
        w->append(" ");
      if (starts_with(word, "http://") || starts_with(word, "https://"))
        w->append(w->short_url_base + std::to_string(word.size()));
      else
        w->append(word);
      if (word.size() > 1 && word[0] == '@')
        mentions.push_back(word.substr(1));
    }
  } catch (const std::invalid_argument &) {
    return 1; // what was appended is dropped
  }
  w->append("\n");
  for (const std::string &m : mentions)
    w->append("@" + m + "\n");
  return 0;
}

} // extern "C"
