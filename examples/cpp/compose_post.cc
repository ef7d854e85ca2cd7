// ComposePost: a C++ caller shaped like DeathStarBench's services on
// Nightcore.
//
// The worker (made in faas_create_func_worker) holds a client per callee;
// each client owns a heap-allocated NightcoreTransport whose std::string
// func_name_ is set there from a literal. A request goes out through the
// virtual TTransport::flush(), which calls
//   invoke_func_fn(caller_context, func_name_.c_str(), ...)
// and throws a TTransportException when the invoke fails. The reply is read
// in place (TMemoryBuffer::resetBuffer observes the runtime's buffer without
// copying), relying on Nightcore's lifetime rule: an invoke's output stays
// valid until the caller's own faas_func_call returns. ComposePost reads the
// author's reply only after every later invoke, so it relies on it too.
//
// Input: "AUTHOR|TEXT". Calls UserService(AUTHOR), TextService(TEXT), then
// UserService(NAME) for each mention "@NAME" that TextService reports, and
// answers
//   ComposePost(AUTHOR): post{author=<reply>, text=<reply>, mentions=[<reply>,...]}\n
// When an invoke fails, the exception is caught in faas_func_call, which
// answers
//   ComposePost(AUTHOR): error: invoke NAME failed\n
// and returns 0. An input without '|' is a malformed request: it returns 1
// with no output.
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "faas/worker_v1_interface.h"

namespace {

// ---- a Thrift-like transport layer ----------------------------------------

class TTransportException : public std::runtime_error {
public:
  enum TTransportExceptionType { UNKNOWN, NOT_OPEN, END_OF_FILE, INTERNAL_ERROR };
  TTransportException(TTransportExceptionType type, const std::string &message)
      : std::runtime_error(message), type_(type) {}
  TTransportExceptionType getType() const { return type_; }

private:
  TTransportExceptionType type_;
};

class TTransport {
public:
  virtual ~TTransport() {}
  virtual void write(const uint8_t *buf, uint32_t len) = 0;
  virtual void flush() = 0;
  // The unread bytes, without copying; *len gets how many.
  virtual const uint8_t *borrow(uint32_t *len) = 0;
  virtual void consume(uint32_t len) = 0;
};

// Reads from a buffer it observes (resetBuffer) and never copies.
class TMemoryBuffer : public TTransport {
public:
  void resetBuffer(uint8_t *buf, uint32_t len) {
    buf_ = buf;
    rpos_ = 0;
    len_ = len;
  }
  void write(const uint8_t *, uint32_t) override {
    throw TTransportException(TTransportException::NOT_OPEN,
                              "TMemoryBuffer: observing, not writable");
  }
  void flush() override {}
  const uint8_t *borrow(uint32_t *len) override {
    *len = len_ - rpos_;
    return buf_ == nullptr ? nullptr : buf_ + rpos_;
  }
  void consume(uint32_t len) override {
    if (len > len_ - rpos_)
      throw TTransportException(TTransportException::END_OF_FILE,
                                "TMemoryBuffer: consume past the end");
    rpos_ += len;
  }

private:
  uint8_t *buf_ = nullptr;
  uint32_t rpos_ = 0, len_ = 0;
};

class NightcoreTransport : public TTransport {
public:
  NightcoreTransport(void *caller_context, faas_invoke_func_fn_t invoke_func_fn,
                     const std::string &func_name)
      : caller_context_(caller_context), invoke_func_fn_(invoke_func_fn),
        func_name_(func_name), read_buffer_(new TMemoryBuffer) {}

  void write(const uint8_t *buf, uint32_t len) override {
    write_buffer_.append(reinterpret_cast<const char *>(buf), len);
  }

  // The RPC. `request` is a local with a destructor, so the call below is
  // an `invoke` with a cleanup landing pad in IR.
  void flush() override {
    std::string request;
    request.swap(write_buffer_);
    const char *output = nullptr;
    size_t output_length = 0;
    int ret = invoke_func_fn_(caller_context_, func_name_.c_str(), request.data(),
                              request.size(), &output, &output_length);
    if (ret != 0)
      throw TTransportException(TTransportException::INTERNAL_ERROR,
                                "invoke " + func_name_ + " failed");
    read_buffer_->resetBuffer(
        reinterpret_cast<uint8_t *>(const_cast<char *>(output)),
        static_cast<uint32_t>(output_length));
  }

  const uint8_t *borrow(uint32_t *len) override { return read_buffer_->borrow(len); }
  void consume(uint32_t len) override { read_buffer_->consume(len); }

private:
  void *caller_context_;
  faas_invoke_func_fn_t invoke_func_fn_;
  std::string func_name_;
  std::string write_buffer_;
  std::unique_ptr<TMemoryBuffer> read_buffer_;
};

// ---- clients ------------------------------------------------------------------

// A reply seen in place: valid until faas_func_call returns.
struct Reply {
  const char *data;
  size_t size;
};

class ServiceClient {
public:
  explicit ServiceClient(std::shared_ptr<TTransport> transport)
      : transport_(std::move(transport)) {}

  Reply call(const std::string &request) {
    transport_->write(reinterpret_cast<const uint8_t *>(request.data()),
                      static_cast<uint32_t>(request.size()));
    transport_->flush(); // virtual: NightcoreTransport::flush
    uint32_t len = 0;
    const uint8_t *p = transport_->borrow(&len);
    transport_->consume(len);
    Reply r = {reinterpret_cast<const char *>(p), len};
    return r;
  }

private:
  std::shared_ptr<TTransport> transport_;
};

struct ComposePostWorker {
  void *caller_context;
  faas_append_output_fn_t append_output_fn;
  std::unique_ptr<ServiceClient> user_client;
  std::unique_ptr<ServiceClient> text_client;

  void append(const char *data, size_t len) const {
    if (len > 0)
      append_output_fn(caller_context, data, len);
  }
  void append(const std::string &s) const { append(s.data(), s.size()); }
  void append(const Reply &r) const { append(r.data, r.size); }
};

std::unique_ptr<ServiceClient> make_client(void *caller_context,
                                           faas_invoke_func_fn_t invoke_func_fn,
                                           const std::string &func_name) {
  std::shared_ptr<TTransport> transport =
      std::make_shared<NightcoreTransport>(caller_context, invoke_func_fn, func_name);
  return std::unique_ptr<ServiceClient>(new ServiceClient(transport));
}

} // namespace

extern "C" {

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context,
                            faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  ComposePostWorker *w = new ComposePostWorker;
  w->caller_context = caller_context;
  w->append_output_fn = append_output_fn;
  const std::string user_service = "UserService";
  const std::string text_service = "TextService";
  w->user_client = make_client(caller_context, invoke_func_fn, user_service);
  w->text_client = make_client(caller_context, invoke_func_fn, text_service);
  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  delete static_cast<ComposePostWorker *>(worker_handle);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  ComposePostWorker *w = static_cast<ComposePostWorker *>(worker_handle);
  const char *bar = static_cast<const char *>(std::memchr(input, '|', input_length));
  if (bar == nullptr)
    return 1; // malformed request
  std::string author(input, static_cast<size_t>(bar - input));
  std::string text(bar + 1, input_length - static_cast<size_t>(bar + 1 - input));

  w->append("ComposePost(" + author + "): ");
  try {
    Reply user = w->user_client->call(author);
    Reply processed = w->text_client->call(text);

    // TextService's reply, in place: the text up to '\n', then "@NAME\n"s.
    const char *p = processed.data, *end = processed.data + processed.size;
    const char *nl = processed.size ? static_cast<const char *>(
                                          std::memchr(p, '\n', processed.size))
                                    : nullptr;
    Reply post_text = {p, nl ? static_cast<size_t>(nl - p) : processed.size};
    std::vector<Reply> mentions;
    for (const char *line = nl ? nl + 1 : end; line < end;) {
      const char *eol = static_cast<const char *>(
          std::memchr(line, '\n', static_cast<size_t>(end - line)));
      if (eol == nullptr)
        eol = end;
      if (eol - line > 1 && line[0] == '@')
        mentions.push_back(w->user_client->call(std::string(line + 1, eol)));
      line = eol + 1;
    }

    // Only now read the author's reply: several invokes later.
    w->append("post{author=");
    w->append(user);
    w->append(", text=");
    w->append(post_text);
    w->append(", mentions=[");
    for (size_t i = 0; i < mentions.size(); i++) {
      if (i > 0)
        w->append(",");
      w->append(mentions[i]);
    }
    w->append("]}\n");
    return 0;
  } catch (const TTransportException &e) {
    w->append(std::string("error: ") + e.what() + "\n");
    return 0;
  }
}

} // extern "C"
