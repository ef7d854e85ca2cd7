// A small social network, in the style of DeathStarBench's social-network
// services: the interface of the five services behind ComposePost.
// `thrift --gen cpp` turns this into gen-cpp/ at build time (see Makefile);
// the generated code is never committed.
namespace cpp socialnet

// What a service throws to its caller over the wire: the caller's client
// rethrows it (Thrift serializes a declared exception into the reply).
exception ServiceException {
  1: i32 code,
  2: string message
}

struct User {
  1: i64 user_id,
  2: string username
}

struct UserMention {
  1: i64 user_id,
  2: string username
}

struct Url {
  1: string expanded_url,
  2: string shortened_url
}

struct TextResult {
  1: string text,                      // the text, URLs replaced by short ones
  2: list<UserMention> user_mentions,
  3: list<Url> urls,
  4: list<string> errors               // what went wrong but did not stop it
}

// Function UniqueId: an id from (kind, seed), the same every time.
service UniqueIdService {
  i64 ComposeUniqueId(1: string kind, 2: string seed)
}

// Function User: a user by name; ServiceException 404 for an unknown one.
service UserService {
  User GetUser(1: string username) throws (1: ServiceException se)
}

// Function UserMention: GetUser for each name (via User).
service UserMentionService {
  list<UserMention> ComposeUserMentions(1: list<string> usernames)
      throws (1: ServiceException se)
}

// Function UrlShorten: a short URL for each URL (ids from UniqueId).
service UrlShortenService {
  list<Url> ComposeUrls(1: list<string> urls) throws (1: ServiceException se)
}

// Function Text: mentions and URLs of a text (via UserMention, UrlShorten).
service TextService {
  TextResult ComposeText(1: string text) throws (1: ServiceException se)
}
