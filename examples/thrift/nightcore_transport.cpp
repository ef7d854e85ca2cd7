// Thrift over Nightcore: see nightcore_transport.h.
#include "nightcore_transport.h"

#include <cstdlib>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <utility>

#include <thrift/transport/TTransportException.h>

using apache::thrift::transport::TMemoryBuffer;
using apache::thrift::transport::TTransportException;

namespace socialnet {

// ---- NightcoreTransport ---------------------------------------------------

NightcoreTransport::NightcoreTransport(void *caller_context,
                                       faas_invoke_func_fn_t invoke_func_fn,
                                       const std::string &func_name)
    : caller_context_(caller_context), invoke_func_fn_(invoke_func_fn),
      func_name_(func_name), write_buffer_(std::make_shared<TMemoryBuffer>()),
      read_buffer_(std::make_shared<TMemoryBuffer>()) {}

NightcoreTransport::~NightcoreTransport() {}

bool NightcoreTransport::isOpen() const { return true; }

// The RPC: one invoke per Thrift call (the generated client flushes once per
// request). The callee's name is not a constant here: it is a member set in
// faas_create_func_worker.
namespace {
// Empties a buffer (keeping its memory) when it goes out of scope, however.
class ResetOnExit {
public:
  explicit ResetOnExit(TMemoryBuffer &buffer) : buffer_(buffer) {}
  ~ResetOnExit() { buffer_.resetBuffer(); }

private:
  TMemoryBuffer &buffer_;
};
} // namespace

void NightcoreTransport::flush() {
  ResetOnExit reset(*write_buffer_); // the request is sent at most once
  uint8_t *request = nullptr;
  uint32_t request_length = 0;
  write_buffer_->getBuffer(&request, &request_length);
  const char *reply = nullptr;
  size_t reply_length = 0;
  // With `reset` alive across it, this call is an `invoke` in IR: it has an
  // unwind edge to the cleanup that runs ~ResetOnExit.
  int ret = invoke_func_fn_(caller_context_, func_name_.c_str(),
                            reinterpret_cast<const char *>(request),
                            request_length, &reply, &reply_length);
  if (ret != 0)
    throw TTransportException(TTransportException::UNKNOWN,
                              "invoke " + func_name_ + " failed");
  if (reply_length > std::numeric_limits<uint32_t>::max())
    throw TTransportException(TTransportException::CORRUPTED_DATA,
                              "reply of " + func_name_ + " too long");
  // Observe the runtime's buffer in place: no copy.
  read_buffer_->resetBuffer((uint8_t *)reply, static_cast<uint32_t>(reply_length));
}

uint32_t NightcoreTransport::read(uint8_t *buf, uint32_t len) {
  return read_buffer_->read(buf, len);
}

void NightcoreTransport::write(const uint8_t *buf, uint32_t len) {
  write_buffer_->write(buf, len);
}

const uint8_t *NightcoreTransport::borrow(uint8_t *buf, uint32_t *len) {
  return read_buffer_->borrow(buf, len);
}

void NightcoreTransport::consume(uint32_t len) { read_buffer_->consume(len); }

// The end of a reply: lets the buffer reset its count of bytes read (Thrift
// bounds each message by TConfiguration's maximum size).
uint32_t NightcoreTransport::readEnd() { return read_buffer_->readEnd(); }

// ---- ThriftWorker -----------------------------------------------------------

ThriftWorker::ThriftWorker(void *caller_context,
                           faas_append_output_fn_t append_output_fn,
                           std::shared_ptr<apache::thrift::TProcessor> processor)
    : caller_context_(caller_context), append_output_fn_(append_output_fn),
      processor_(std::move(processor)), in_(std::make_shared<TMemoryBuffer>()),
      out_(std::make_shared<TMemoryBuffer>()),
      iprot_(std::make_shared<apache::thrift::protocol::TBinaryProtocol>(in_)),
      oprot_(std::make_shared<apache::thrift::protocol::TBinaryProtocol>(out_)) {}

ThriftWorker::~ThriftWorker() {}

int ThriftWorker::Call(const char *input, size_t input_length) {
  if (input_length > std::numeric_limits<uint32_t>::max())
    return 1;
  in_->resetBuffer((uint8_t *)input, static_cast<uint32_t>(input_length));
  out_->resetBuffer();
  try {
    // Exceptions of the handler are the processor's business: a declared
    // one (ServiceException) becomes the reply, any other std::exception a
    // TApplicationException reply. What reaches here is a request that is
    // not a Thrift call.
    if (!processor_->process(iprot_, oprot_, nullptr))
      return 1;
  } catch (const apache::thrift::TException &) {
    return 1;
  }
  uint8_t *reply = nullptr;
  uint32_t reply_length = 0;
  out_->getBuffer(&reply, &reply_length);
  append_output_fn_(caller_context_, reinterpret_cast<const char *>(reply),
                    reply_length);
  return 0;
}

// ---- Config -------------------------------------------------------------------

namespace {

// Is `name` one of the comma-separated names in `list`?
bool Lists(const char *list, const std::string &name) {
  if (list == nullptr)
    return false;
  for (const char *p = list;;) {
    const char *comma = std::strchr(p, ',');
    size_t len = comma ? static_cast<size_t>(comma - p) : std::strlen(p);
    if (name.compare(0, std::string::npos, p, len) == 0)
      return true;
    if (comma == nullptr)
      return false;
    p = comma + 1;
  }
}

} // namespace

Config::Config(const std::string &function,
               std::map<std::string, std::string> defaults)
    : function_(function) {
  if (!Lists(std::getenv("SOCIALNET_FAIL_INIT"), function))
    values_ = std::move(defaults);
}

Config::~Config() {}

const std::string &Config::Require(const std::string &key) const {
  auto it = values_.find(key);
  if (it == values_.end())
    throw std::runtime_error(function_ + ": missing config key '" + key + "'");
  return it->second;
}

} // namespace socialnet
