// UserService: a Nightcore function in C++, as DeathStarBench writes them.
//
// Input: a user name. Reply: "user_id=<N>;username=<NAME>", built in a
// std::vector<std::string> of fields and appended in several pieces.
// Fails (returns nonzero) on a name that is empty, longer than 16 bytes or
// not [a-z0-9_]; on "banned" it fails after appending, so the runtime must
// drop what was appended. Errors are C++ exceptions caught here: none leaves
// faas_func_call.
//
// Build alone: clang++ -O2 -fPIC -shared -I include user_service.cc -o libuser.so
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "faas/worker_v1_interface.h"

namespace {

class UserNotFound : public std::runtime_error {
public:
  explicit UserNotFound(const std::string &name)
      : std::runtime_error("no user '" + name + "'") {}
};

struct UserWorker {
  void *caller_context;
  faas_append_output_fn_t append_output_fn;
  std::string prefix; // set at worker creation, used for every reply
  unsigned long calls = 0;

  void append(const std::string &s) const {
    append_output_fn(caller_context, s.data(), s.size());
  }
};

std::uint32_t user_id(const std::string &name) {
  std::uint32_t h = 2166136261u; // FNV-1a
  for (unsigned char c : name) {
    h ^= c;
    h *= 16777619u;
  }
  return h % 100000u;
}

// Throws UserNotFound when the name is not a valid user.
std::vector<std::string> lookup(const std::string &name) {
  if (name.empty() || name.size() > 16)
    throw UserNotFound(name);
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      throw UserNotFound(name);
  std::vector<std::string> fields;
  fields.push_back("user_id=" + std::to_string(user_id(name)));
  fields.push_back("username=" + name);
  return fields;
}

} // namespace

extern "C" {

int faas_init(void) { return 0; }

int faas_create_func_worker(void *caller_context, faas_invoke_func_fn_t,
                            faas_append_output_fn_t append_output_fn,
                            void **worker_handle) {
  UserWorker *w = new UserWorker;
  w->caller_context = caller_context;
  w->append_output_fn = append_output_fn;
  w->prefix = "user{";
  *worker_handle = w;
  return 0;
}

int faas_destroy_func_worker(void *worker_handle) {
  delete static_cast<UserWorker *>(worker_handle);
  return 0;
}

int faas_func_call(void *worker_handle, const char *input, size_t input_length) {
  UserWorker *w = static_cast<UserWorker *>(worker_handle);
  w->calls++;
  std::string name(input, input_length);
  try {
    std::vector<std::string> fields = lookup(name);
    w->append(w->prefix);
    for (size_t i = 0; i < fields.size(); i++) {
      if (i > 0)
        w->append(";");
      w->append(fields[i]);
    }
    if (name == "banned")
      throw std::runtime_error("user is banned"); // after appending
    w->append("}");
    return 0;
  } catch (const UserNotFound &) {
    return 1;
  } catch (const std::exception &) {
    w->append("!banned"); // dropped with the rest: the call fails
    return 2;
  }
}

} // extern "C"
