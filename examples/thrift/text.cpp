// Function Text: ComposeText(text) -> TextResult.
//
// Splits the text into words (on spaces). A word "@NAME" is a mention, a
// word starting with http:// or https:// a URL. Fans out to two functions:
// UserMention for the mentions and UrlShorten for the URLs (each invoked
// only when there is something to ask), and replaces each URL of the text by
// its short one.
//
// - An empty text: ServiceException 400 to the caller.
// - UserMention's exceptions (an unknown user, which it passes on from User;
//   a failed invoke) are caught here and become an entry of the reply's
//   `errors`; the mentions are then empty.
// - UrlShorten's failures are not: a ServiceException from it is passed on
//   as is, and a failed invoke (-1, e.g. its faas_init threw) becomes a
//   ServiceException 503 to the caller.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <thrift/TApplicationException.h>
#include <thrift/transport/TTransportException.h>

#include "TextService.h"
#include "UrlShortenService.h"
#include "UserMentionService.h"
#include "faas/worker_v1_interface.h"
#include "nightcore_transport.h"

namespace socialnet {

class TextHandler : public TextServiceIf {
public:
  TextHandler(std::unique_ptr<UserMentionServiceClient> user_mention,
              std::unique_ptr<UrlShortenServiceClient> url_shorten);
  ~TextHandler() override;
  void ComposeText(TextResult &_return, const std::string &text) override;

private:
  std::unique_ptr<UserMentionServiceClient> user_mention_;
  std::unique_ptr<UrlShortenServiceClient> url_shorten_;
};

TextHandler::TextHandler(std::unique_ptr<UserMentionServiceClient> user_mention,
                         std::unique_ptr<UrlShortenServiceClient> url_shorten)
    : user_mention_(std::move(user_mention)), url_shorten_(std::move(url_shorten)) {}

TextHandler::~TextHandler() {}

namespace {

bool StartsWith(const std::string &s, const char *prefix) {
  return s.compare(0, std::char_traits<char>::length(prefix), prefix) == 0;
}

std::vector<std::string> Words(const std::string &text) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos)
      end = text.size();
    if (end > start)
      words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

ServiceException Unavailable(const std::string &message) {
  ServiceException se;
  se.__set_code(503);
  se.__set_message(message);
  return se;
}

} // namespace

void TextHandler::ComposeText(TextResult &_return, const std::string &text) {
  if (text.empty()) {
    ServiceException se;
    se.__set_code(400);
    se.__set_message("Text: empty text");
    throw se;
  }
  std::vector<std::string> words = Words(text);
  std::vector<std::string> names, urls;
  for (const std::string &w : words) {
    if (w.size() > 1 && w[0] == '@')
      names.push_back(w.substr(1));
    else if (StartsWith(w, "http://") || StartsWith(w, "https://"))
      urls.push_back(w);
  }

  if (!names.empty()) {
    try {
      user_mention_->ComposeUserMentions(_return.user_mentions, names);
    } catch (const ServiceException &e) {
      _return.user_mentions.clear();
      _return.errors.push_back("UserMention: " + std::to_string(e.code) + " " + e.message);
    } catch (const apache::thrift::TException &e) {
      _return.user_mentions.clear();
      _return.errors.push_back(std::string("UserMention: ") + e.what());
    }
  }

  std::map<std::string, std::string> shortened;
  if (!urls.empty()) {
    try {
      url_shorten_->ComposeUrls(_return.urls, urls);
    } catch (const apache::thrift::transport::TTransportException &e) {
      throw Unavailable(std::string("Text: ") + e.what());
    }
    for (const Url &u : _return.urls)
      shortened[u.expanded_url] = u.shortened_url;
  }

  std::string out;
  for (const std::string &w : words) {
    if (!out.empty())
      out += ' ';
    auto it = shortened.find(w);
    out += it == shortened.end() ? w : it->second;
  }
  _return.__set_text(out);
}

} // namespace socialnet

extern "C" {

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  auto handler = std::make_shared<socialnet::TextHandler>(
      socialnet::MakeClient<socialnet::UserMentionServiceClient>(
          caller_context, invoke_func_fn, "UserMention"),
      socialnet::MakeClient<socialnet::UrlShortenServiceClient>(
          caller_context, invoke_func_fn, "UrlShorten"));
  *worker_handle = new socialnet::ThriftWorker(
      caller_context, append_output_fn,
      std::make_shared<socialnet::TextServiceProcessor>(handler));
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  delete static_cast<socialnet::ThriftWorker *>(worker_handle);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  return static_cast<socialnet::ThriftWorker *>(worker_handle)->Call(input, input_length);
}

} // extern "C"
