// Function ComposePost: the workflow's public entry.
//
// Input: "AUTHOR|TEXT" (plain text, so a request can be typed on a command
// line). Fans out to three functions over Thrift:
//   UniqueId.ComposeUniqueId("post", INPUT)   the post's id
//   User.GetUser(AUTHOR)                      the author
//   Text.ComposeText(TEXT)                    mentions (via UserMention -> User)
//                                             and short URLs (via UrlShorten -> UniqueId)
// and answers with the post, as text:
//   post 123 by alice (user 1001)
//   text: hi @bob see http://sh.rt/0000abcd
//   mentions: bob(1002)
//   urls: http://example.com -> http://sh.rt/0000abcd
//   errors: -
//
// A callee's failure does not fail the post: each call's exception (a
// declared ServiceException, a TApplicationException, or a
// TTransportException when invoke_func_fn returned -1) is caught and becomes
// an entry of `errors:`, "NAME: CODE MESSAGE" or "NAME: WHAT". An input
// without '|' is a malformed request: faas_func_call returns 1, no output.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <thrift/Thrift.h>

#include "TextService.h"
#include "UniqueIdService.h"
#include "UserService.h"
#include "faas/worker_v1_interface.h"
#include "nightcore_transport.h"

namespace socialnet {

class ComposePostWorker {
public:
  ComposePostWorker(void *caller_context, faas_append_output_fn_t append_output_fn,
                    std::unique_ptr<UniqueIdServiceClient> unique_id,
                    std::unique_ptr<UserServiceClient> user,
                    std::unique_ptr<TextServiceClient> text);
  ~ComposePostWorker();
  int Call(const std::string &author, const std::string &text);

private:
  void Append(const std::string &s) { append_output_fn_(caller_context_, s.data(), s.size()); }

  void *caller_context_;
  faas_append_output_fn_t append_output_fn_;
  std::unique_ptr<UniqueIdServiceClient> unique_id_;
  std::unique_ptr<UserServiceClient> user_;
  std::unique_ptr<TextServiceClient> text_;
};

ComposePostWorker::ComposePostWorker(void *caller_context,
                                     faas_append_output_fn_t append_output_fn,
                                     std::unique_ptr<UniqueIdServiceClient> unique_id,
                                     std::unique_ptr<UserServiceClient> user,
                                     std::unique_ptr<TextServiceClient> text)
    : caller_context_(caller_context), append_output_fn_(append_output_fn),
      unique_id_(std::move(unique_id)), user_(std::move(user)), text_(std::move(text)) {}

ComposePostWorker::~ComposePostWorker() {}

namespace {

// Runs one call; on an exception, records it in `errors` and returns false.
template <class F>
bool Try(const char *callee, std::vector<std::string> &errors, F call) {
  try {
    call();
    return true;
  } catch (const ServiceException &e) {
    errors.push_back(std::string(callee) + ": " + std::to_string(e.code) + " " + e.message);
  } catch (const apache::thrift::TException &e) {
    errors.push_back(std::string(callee) + ": " + e.what());
  }
  return false;
}

} // namespace

int ComposePostWorker::Call(const std::string &author, const std::string &text) {
  std::vector<std::string> errors;
  int64_t post_id = 0;
  User creator;
  TextResult composed;
  Try("UniqueId", errors,
      [&] { post_id = unique_id_->ComposeUniqueId("post", author + "|" + text); });
  bool have_creator = Try("User", errors, [&] { user_->GetUser(creator, author); });
  bool have_text = Try("Text", errors, [&] { text_->ComposeText(composed, text); });

  std::string out = "post " + std::to_string(post_id) + " by " + author;
  out += have_creator ? " (user " + std::to_string(creator.user_id) + ")\n" : " (unknown)\n";
  out += "text: " + (have_text ? composed.text : std::string("-")) + "\n";
  out += "mentions:";
  for (const UserMention &m : composed.user_mentions)
    out += " " + m.username + "(" + std::to_string(m.user_id) + ")";
  out += "\nurls:";
  for (const Url &u : composed.urls)
    out += " " + u.expanded_url + " -> " + u.shortened_url;
  for (const std::string &e : composed.errors)
    errors.push_back("Text: " + e);
  out += "\nerrors:";
  if (errors.empty())
    out += " -";
  for (size_t i = 0; i < errors.size(); i++)
    out += (i ? "; " : " ") + errors[i];
  out += "\n";
  Append(out);
  return 0;
}

} // namespace socialnet

extern "C" {

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  using namespace socialnet;
  *worker_handle = new ComposePostWorker(
      caller_context, append_output_fn,
      MakeClient<UniqueIdServiceClient>(caller_context, invoke_func_fn, "UniqueId"),
      MakeClient<UserServiceClient>(caller_context, invoke_func_fn, "User"),
      MakeClient<TextServiceClient>(caller_context, invoke_func_fn, "Text"));
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  delete static_cast<socialnet::ComposePostWorker *>(worker_handle);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  if (input_length == 0)
    return 1; // malformed request
  const char *bar = static_cast<const char *>(std::memchr(input, '|', input_length));
  if (bar == nullptr)
    return 1;
  std::string author(input, static_cast<size_t>(bar - input));
  std::string text(bar + 1, input_length - static_cast<size_t>(bar + 1 - input));
  return static_cast<socialnet::ComposePostWorker *>(worker_handle)->Call(author, text);
}

} // extern "C"
