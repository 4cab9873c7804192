#include "zk_test_base.h"

namespace gregor::cluster::testing {
namespace {

template <class T>
T await(uv_loop_t* loop, std::optional<T>& slot) {
  const bool done = run_until(loop, [&] { return slot.has_value(); });
  EXPECT_TRUE(done) << "ZooKeeper request did not complete";
  return done ? std::move(*slot) : T{};
}

}  // namespace

ZkError ZkSync::create(const std::string& path, std::optional<std::string> data, CreateMode mode,
                       std::string* created) {
  std::optional<std::pair<ZkError, std::string>> out;
  zk_.create(path, std::move(data), mode,
             [&](ZkError e, std::string p, const ZkStat&) { out.emplace(e, std::move(p)); });
  auto [error, name] = await(loop_, out);
  if (created != nullptr) *created = name;
  return error;
}

ZkError ZkSync::get(const std::string& path, std::string* data, ZkStat* stat, bool watch) {
  std::optional<std::tuple<ZkError, std::string, ZkStat>> out;
  zk_.get(path, watch, [&](ZkError e, std::string d, const ZkStat& s) { out.emplace(e, d, s); });
  auto [error, bytes, st] = await(loop_, out);
  if (data != nullptr) *data = bytes;
  if (stat != nullptr) *stat = st;
  return error;
}

ZkError ZkSync::set(const std::string& path, std::string data, int32_t version, ZkStat* stat) {
  std::optional<std::pair<ZkError, ZkStat>> out;
  zk_.set(path, std::move(data), version, [&](ZkError e, const ZkStat& s) { out.emplace(e, s); });
  auto [error, st] = await(loop_, out);
  if (stat != nullptr) *stat = st;
  return error;
}

ZkError ZkSync::remove(const std::string& path, int32_t version) {
  std::optional<ZkError> out;
  zk_.remove(path, version, [&](ZkError e) { out = e; });
  return await(loop_, out);
}

ZkError ZkSync::exists(const std::string& path, ZkStat* stat, bool watch) {
  std::optional<std::pair<ZkError, ZkStat>> out;
  zk_.exists(path, watch, [&](ZkError e, const ZkStat& s) { out.emplace(e, s); });
  auto [error, st] = await(loop_, out);
  if (stat != nullptr) *stat = st;
  return error;
}

ZkError ZkSync::children(const std::string& path, std::vector<std::string>* children, bool watch) {
  std::optional<std::pair<ZkError, std::vector<std::string>>> out;
  zk_.get_children(path, watch,
                   [&](ZkError e, std::vector<std::string> c) { out.emplace(e, std::move(c)); });
  auto [error, names] = await(loop_, out);
  if (children != nullptr) *children = std::move(names);
  return error;
}

ZkError ZkSync::multi(std::vector<ZkOp> ops, std::vector<ZkOpResult>* results) {
  std::optional<std::pair<ZkError, std::vector<ZkOpResult>>> out;
  zk_.multi(std::move(ops),
            [&](ZkError e, std::vector<ZkOpResult> r) { out.emplace(e, std::move(r)); });
  auto [error, rs] = await(loop_, out);
  if (results != nullptr) *results = std::move(rs);
  return error;
}

void ZkTestBase::SetUpTestSuite() {
  server_ = ZkTestServer::start();
}

void ZkTestBase::TearDownTestSuite() {
  server_.reset();
}

void ZkTestBase::SetUp() {
  ASSERT_NE(server_, nullptr) << "could not start a ZooKeeper server";
  ASSERT_EQ(uv_loop_init(&loop_), 0);
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  chroot_ = std::string("/") + info->test_suite_name() + "." + info->name();
  for (char& c : chroot_) {
    if (c == '/' && &c != &chroot_[0]) c = '_';
  }
}

void ZkTestBase::TearDown() {
  EXPECT_TRUE(drain_and_close(&loop_)) << "libuv handles leaked";
}

ZkClientOptions ZkTestBase::options(const std::string& chroot_suffix,
                                    std::chrono::milliseconds session_timeout) const {
  ZkClientOptions opts;
  opts.connect = server_->connect() + chroot_ + chroot_suffix;
  opts.session_timeout = session_timeout;
  opts.retry_backoff = std::chrono::milliseconds(100);
  return opts;
}

std::unique_ptr<ZkClient> ZkTestBase::connect(const std::string& chroot_suffix,
                                              std::chrono::milliseconds session_timeout) {
  auto zk = std::make_unique<ZkClient>(&loop_, options(chroot_suffix, session_timeout));
  EXPECT_TRUE(zk->start().ok());
  EXPECT_TRUE(wait([&] { return zk->connected(); })) << "no ZooKeeper session";
  return zk;
}

void ZkTestBase::expire_session(ZkClient& zk) {
  auto id = zk.session();
  ASSERT_TRUE(id.has_value());
  bool expired = false;
  const int listener = zk.add_session_listener([&](SessionEvent e) {
    if (e == SessionEvent::kExpired) expired = true;
  });
  ZkClientOptions opts = zk.options();
  opts.resume_session = id;
  // The two handles steal the session's connection from each other. When the original wins
  // it back before the clone's close reaches the server, the close is refused (the session
  // moved) and the session lives on; then try again.
  for (int attempt = 0; attempt < 5 && !expired; ++attempt) {
    {
      ZkClient clone(&loop_, opts);
      ASSERT_TRUE(clone.start().ok());
      ASSERT_TRUE(wait([&] { return clone.connected() || expired; }));
      clone.close();
    }
    wait([&] { return expired; }, std::chrono::milliseconds(1500));
  }
  zk.remove_session_listener(listener);
  ASSERT_TRUE(expired) << "could not expire session " << id->id;
}

}  // namespace gregor::cluster::testing
