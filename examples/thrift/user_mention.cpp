// Function UserMention: ComposeUserMentions(usernames) -> list<UserMention>.
//
// Asks User for each distinct name, in order of first appearance (one
// invoke each). User's ServiceException (an unknown name) is not caught
// here: it is declared by ComposeUserMentions too, so Thrift passes it on to
// UserMention's caller (Text). When an invoke of User fails (-1), that is a
// ServiceException 503 to the caller.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <thrift/transport/TTransportException.h>

#include "UserMentionService.h"
#include "UserService.h"
#include "faas/worker_v1_interface.h"
#include "nightcore_transport.h"

namespace socialnet {

class UserMentionHandler : public UserMentionServiceIf {
public:
  explicit UserMentionHandler(std::unique_ptr<UserServiceClient> user);
  ~UserMentionHandler() override;
  void ComposeUserMentions(std::vector<UserMention> &_return,
                           const std::vector<std::string> &usernames) override;

private:
  std::unique_ptr<UserServiceClient> user_;
};

UserMentionHandler::UserMentionHandler(std::unique_ptr<UserServiceClient> user)
    : user_(std::move(user)) {}

UserMentionHandler::~UserMentionHandler() {}

void UserMentionHandler::ComposeUserMentions(
    std::vector<UserMention> &_return, const std::vector<std::string> &usernames) {
  std::set<std::string> seen;
  for (const std::string &name : usernames) {
    if (!seen.insert(name).second)
      continue;
    User user;
    try {
      user_->GetUser(user, name);
    } catch (const apache::thrift::transport::TTransportException &e) {
      ServiceException se;
      se.__set_code(503);
      se.__set_message(std::string("UserMention: ") + e.what());
      throw se;
    }
    UserMention mention;
    mention.__set_user_id(user.user_id);
    mention.__set_username(user.username);
    _return.push_back(mention);
  }
}

} // namespace socialnet

extern "C" {

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t invoke_func_fn,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  auto handler = std::make_shared<socialnet::UserMentionHandler>(
      socialnet::MakeClient<socialnet::UserServiceClient>(caller_context,
                                                          invoke_func_fn, "User"));
  *worker_handle = new socialnet::ThriftWorker(
      caller_context, append_output_fn,
      std::make_shared<socialnet::UserMentionServiceProcessor>(handler));
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
