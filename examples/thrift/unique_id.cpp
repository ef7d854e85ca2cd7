// Function UniqueId: ComposeUniqueId(kind, seed) -> i64.
//
// The id is a hash of "kind:seed" (FNV-1a, 52 bits) under this machine's id
// (config key machine_id, bits 52..62): the same request always gets the
// same id, so every run of the workflow answers the same bytes. Called by
// ComposePost (the post's id) and by UrlShorten (one per URL).
#include <cstdint>
#include <memory>
#include <string>

#include "UniqueIdService.h"
#include "faas/worker_v1_interface.h"
#include "nightcore_transport.h"

namespace socialnet {

// Out-of-line constructor and destructor: clang emits the complete-object
// ones (C1, D1) as aliases of the base-object ones (C2, D2).
class UniqueIdHandler : public UniqueIdServiceIf {
public:
  explicit UniqueIdHandler(uint64_t machine_id);
  ~UniqueIdHandler() override;
  int64_t ComposeUniqueId(const std::string &kind, const std::string &seed) override;

private:
  uint64_t machine_id_;
};

UniqueIdHandler::UniqueIdHandler(uint64_t machine_id) : machine_id_(machine_id & 0x7ff) {}

UniqueIdHandler::~UniqueIdHandler() {}

int64_t UniqueIdHandler::ComposeUniqueId(const std::string &kind,
                                         const std::string &seed) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](const std::string &s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(kind);
  mix(":");
  mix(seed);
  return static_cast<int64_t>((machine_id_ << 52) | (h & ((1ull << 52) - 1)));
}

} // namespace socialnet

namespace {
uint64_t g_machine_id; // from the configuration, in faas_init
}

extern "C" {

int faas_init(void) {
  socialnet::Config config("UniqueId", {{"machine_id", "7"}});
  g_machine_id = std::stoull(config.Require("machine_id"));
  return 0;
}

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  auto handler = std::make_shared<socialnet::UniqueIdHandler>(g_machine_id);
  *worker_handle = new socialnet::ThriftWorker(
      caller_context, append_output_fn,
      std::make_shared<socialnet::UniqueIdServiceProcessor>(handler));
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
