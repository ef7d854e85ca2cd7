// Thrift over Nightcore: what every function of the example shares.
//
//   NightcoreTransport  the client side. A Thrift transport whose flush()
//                       sends the buffered request with
//                         invoke_func_fn(caller_context, func_name_.c_str(), ...)
//                       and then reads the reply in place.
//   ThriftWorker        the server side. One per Nightcore worker: runs the
//                       generated Processor on a request and appends the
//                       serialized reply with append_output_fn.
//   LoadConfig          a function's configuration, read in faas_init; throws
//                       when a key is missing.
#ifndef SOCIALNET_NIGHTCORE_TRANSPORT_H
#define SOCIALNET_NIGHTCORE_TRANSPORT_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <thrift/TProcessor.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TVirtualTransport.h>

#include "faas/worker_v1_interface.h"

namespace socialnet {

// A client's transport, one per callee. Writes are buffered; flush() makes
// the call, and throws TTransportException when invoke_func_fn returns -1
// (unknown function, the callee failed, its worker died...). The reply is
// observed, not copied (TMemoryBuffer::resetBuffer): Nightcore keeps it valid
// until the caller's own faas_func_call returns.
class NightcoreTransport
    : public apache::thrift::transport::TVirtualTransport<NightcoreTransport> {
public:
  NightcoreTransport(void *caller_context, faas_invoke_func_fn_t invoke_func_fn,
                     const std::string &func_name);
  ~NightcoreTransport() override;

  bool isOpen() const override;
  void flush() override;
  uint32_t readEnd() override;

  // The non-virtual operations TVirtualTransport dispatches to.
  uint32_t read(uint8_t *buf, uint32_t len);
  void write(const uint8_t *buf, uint32_t len);
  const uint8_t *borrow(uint8_t *buf, uint32_t *len);
  void consume(uint32_t len);

  const std::string &func_name() const { return func_name_; }

private:
  void *caller_context_;
  faas_invoke_func_fn_t invoke_func_fn_;
  std::string func_name_;
  std::shared_ptr<apache::thrift::transport::TMemoryBuffer> write_buffer_;
  std::shared_ptr<apache::thrift::transport::TMemoryBuffer> read_buffer_;
};

// A generated client (UserServiceClient...) talking to the function
// func_name over a NightcoreTransport, with the binary protocol.
template <class Client>
std::unique_ptr<Client> MakeClient(void *caller_context,
                                   faas_invoke_func_fn_t invoke_func_fn,
                                   const std::string &func_name) {
  auto transport = std::make_shared<NightcoreTransport>(caller_context,
                                                        invoke_func_fn, func_name);
  auto protocol =
      std::make_shared<apache::thrift::protocol::TBinaryProtocol>(transport);
  return std::unique_ptr<Client>(new Client(protocol));
}

// The server side of one Nightcore worker.
class ThriftWorker {
public:
  ThriftWorker(void *caller_context, faas_append_output_fn_t append_output_fn,
               std::shared_ptr<apache::thrift::TProcessor> processor);
  ~ThriftWorker();

  // faas_func_call: input is one Thrift message (a call); its reply message
  // is appended. 0 on success; 1 when the input is not a call the processor
  // can read (nothing is appended then).
  int Call(const char *input, size_t input_length);

private:
  void *caller_context_;
  faas_append_output_fn_t append_output_fn_;
  std::shared_ptr<apache::thrift::TProcessor> processor_;
  std::shared_ptr<apache::thrift::transport::TMemoryBuffer> in_;
  std::shared_ptr<apache::thrift::transport::TMemoryBuffer> out_;
  std::shared_ptr<apache::thrift::protocol::TProtocol> iprot_;
  std::shared_ptr<apache::thrift::protocol::TProtocol> oprot_;
};

// A function's configuration, read by its faas_init: the defaults given,
// except for a function named in the environment variable
// SOCIALNET_FAIL_INIT (a name or a comma-separated list), whose
// configuration is empty, as if its deployment forgot it. Require throws
// std::runtime_error for a missing key, so that function's faas_init throws.
class Config {
public:
  Config(const std::string &function, std::map<std::string, std::string> defaults);
  ~Config();
  const std::string &Require(const std::string &key) const;

private:
  std::string function_;
  std::map<std::string, std::string> values_;
};

} // namespace socialnet

#endif
