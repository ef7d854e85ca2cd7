// Function User: GetUser(username) -> User.
//
// The users are the names of the config key user_db, with ids 1001, 1002...
// in that order, and user1..userN for N = the config key numbered_users,
// with ids 2001, 2002... An unknown name is a ServiceException (404) thrown
// to the caller; the reserved name "admin" makes the handler throw a
// std::logic_error, which Thrift's processor turns into a
// TApplicationException for the caller. Called by ComposePost (the author)
// and by UserMention (each mention).
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/container/flat_map.hpp>

#include "UserService.h"
#include "faas/worker_v1_interface.h"
#include "nightcore_transport.h"

namespace socialnet {

class UserHandler : public UserServiceIf {
public:
  UserHandler(const std::vector<std::string> &names, int numbered);
  ~UserHandler() override;
  void GetUser(User &_return, const std::string &username) override;

private:
  boost::container::flat_map<std::string, int64_t> ids_;
};

UserHandler::UserHandler(const std::vector<std::string> &names, int numbered) {
  int64_t id = 1001;
  for (const std::string &name : names)
    ids_.emplace(name, id++);
  for (int i = 1; i <= numbered; i++)
    ids_.emplace("user" + std::to_string(i), 2000 + i);
}

UserHandler::~UserHandler() {}

void UserHandler::GetUser(User &_return, const std::string &username) {
  if (username == "admin")
    throw std::logic_error("User: the name 'admin' is reserved");
  auto it = ids_.find(username);
  if (it == ids_.end()) {
    ServiceException e;
    e.__set_code(404);
    e.__set_message("no such user: " + username);
    throw e;
  }
  _return.__set_user_id(it->second);
  _return.__set_username(it->first);
}

} // namespace socialnet

namespace {
// From the configuration, in faas_init.
std::vector<std::string> g_names;
int g_numbered;
} // namespace

extern "C" {

int faas_init(void) {
  socialnet::Config config("User", {{"user_db", "alice,bob,carol,dave,erin,frank"},
                                    {"numbered_users", "300"}});
  const std::string &db = config.Require("user_db");
  g_numbered = std::stoi(config.Require("numbered_users"));
  g_names.clear();
  for (size_t start = 0; start <= db.size();) {
    size_t comma = db.find(',', start);
    if (comma == std::string::npos)
      comma = db.size();
    if (comma > start)
      g_names.push_back(db.substr(start, comma - start));
    start = comma + 1;
  }
  return 0;
}

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  auto handler = std::make_shared<socialnet::UserHandler>(g_names, g_numbered);
  *worker_handle = new socialnet::ThriftWorker(
      caller_context, append_output_fn,
      std::make_shared<socialnet::UserServiceProcessor>(handler));
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
