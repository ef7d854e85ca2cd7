// Function UrlShorten: ComposeUrls(urls) -> list<Url>.
//
// Each URL gets a short one: the config key url_prefix, then the base-62
// digits of an id that UniqueId composes for ("url", URL) (one invoke per
// URL). When an invoke of UniqueId fails (-1), that is a ServiceException
// 503 to the caller.
//
// Its faas_init throws std::runtime_error ("missing config key") when the
// environment variable SOCIALNET_FAIL_INIT names UrlShorten: a deployment
// that forgot its configuration. On Nightcore its worker then dies and
// every invoke of UrlShorten returns -1.
#include <memory>
#include <string>
#include <vector>

#include <thrift/transport/TTransportException.h>

#include "UniqueIdService.h"
#include "UrlShortenService.h"
#include "faas/worker_v1_interface.h"
#include "nightcore_transport.h"

namespace socialnet {

class UrlShortenHandler : public UrlShortenServiceIf {
public:
  UrlShortenHandler(const std::string &prefix, std::unique_ptr<UniqueIdServiceClient> unique_id);
  ~UrlShortenHandler() override;
  void ComposeUrls(std::vector<Url> &_return, const std::vector<std::string> &urls) override;

private:
  std::string prefix_;
  std::unique_ptr<UniqueIdServiceClient> unique_id_;
};

UrlShortenHandler::UrlShortenHandler(const std::string &prefix,
                                     std::unique_ptr<UniqueIdServiceClient> unique_id)
    : prefix_(prefix), unique_id_(std::move(unique_id)) {}

UrlShortenHandler::~UrlShortenHandler() {}

void UrlShortenHandler::ComposeUrls(std::vector<Url> &_return,
                                    const std::vector<std::string> &urls) {
  static const char digits[] =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (const std::string &expanded : urls) {
    int64_t id;
    try {
      id = unique_id_->ComposeUniqueId("url", expanded);
    } catch (const apache::thrift::transport::TTransportException &e) {
      ServiceException se;
      se.__set_code(503);
      se.__set_message(std::string("UrlShorten: ") + e.what());
      throw se;
    }
    uint64_t n = static_cast<uint64_t>(id);
    std::string code;
    for (int i = 0; i < 8; i++, n /= 62)
      code.insert(code.begin(), digits[n % 62]);
    Url url;
    url.__set_expanded_url(expanded);
    url.__set_shortened_url(prefix_ + code);
    _return.push_back(url);
  }
}

} // namespace socialnet

namespace {
std::string g_prefix; // from the configuration, in faas_init
}

extern "C" {

int faas_init(void) {
  socialnet::Config config("UrlShorten", {{"url_prefix", "http://sh.rt/"}});
  g_prefix = config.Require("url_prefix"); // throws when it is missing
  return 0;
}

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  auto handler = std::make_shared<socialnet::UrlShortenHandler>(
      g_prefix, socialnet::MakeClient<socialnet::UniqueIdServiceClient>(
                    caller_context, invoke_func_fn, "UniqueId"));
  *worker_handle = new socialnet::ThriftWorker(
      caller_context, append_output_fn,
      std::make_shared<socialnet::UrlShortenServiceProcessor>(handler));
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
