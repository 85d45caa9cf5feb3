// The TCP transport between walkers and a trainer, over real loopback sockets:
// framing refusals, samples arriving exactly once (also when a connection is
// cut in the middle of a message and when the trainer restarts on the same
// port), models arriving whole with increasing versions, broken models and
// garbage refused without harm, and time limits kept.
#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/transport/tcp/tcp_frame.hpp"
#include "slhmc/learning/transport/tcp/tcp_message.hpp"
#include "slhmc/learning/transport/tcp/tcp_socket.hpp"
#include "slhmc/learning/transport/tcp/tcp_trainer_endpoint.hpp"
#include "slhmc/learning/transport/tcp/tcp_walker.hpp"
#include "slhmc/nnp/native_model.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::learning;
using namespace std::chrono_literals;
using tcp::Clock;
using tcp::FrameType;

namespace {

Sample make_sample(const std::string& walker, std::uint64_t sequence) {
  Sample s;
  s.walker = walker;
  s.sequence = sequence;
  s.trial = 3 * sequence + 1;
  s.accepted = sequence % 2 == 0;
  s.model_version = static_cast<long long>(sequence / 4);
  s.frame.frame = test::random_frame(Cell::orthorhombic(6.0, 6.5, 7.0), 4, {22, 8}, 1.5, 100 + static_cast<unsigned>(sequence));
  s.frame.labels.energy = -10.0 - 0.125 * static_cast<double>(sequence);
  s.frame.labels.forces = std::vector<Vec3>(4, Vec3{0.5, -0.25, 1.0 / 3.0});
  s.frame.labels.virial = Mat3{Vec3{1.5, 0.1, 0.2}, Vec3{0.1, -2.0, 0.3}, Vec3{0.2, 0.3, 0.7}};
  s.frame.info["config_type"] = "md";
  return s;
}

std::string model_text(long long version) {
  nnp::NativeModelMetadata m;
  m.model_version = version;
  m.created = "2026-11-24T02:30:00Z";
  const auto net = nnp::read_aenet_nn(std::string(SLHMC_SOURCE_DIR) + "/tests/fuzz/corpus/aenet_nn/tiny.nn.ascii");
  return nnp::format_native_model({net}, m);
}

TcpWalkerOptions walker_options(int port) {
  TcpWalkerOptions o;
  o.port = port;
  o.backoff_initial = 20ms;
  o.backoff_max = 200ms;
  o.poll_timeout = 1000ms;
  o.flush_timeout = 5000ms;
  return o;
}

// Takes from the endpoint until `count` samples arrived or 5 s passed.
std::vector<Sample> take_until(TcpTrainerEndpoint& trainer, std::size_t count) {
  std::vector<Sample> all;
  const auto deadline = Clock::now() + 5s;
  while (all.size() < count && Clock::now() < deadline) {
    for (Sample& s : trainer.take()) all.push_back(std::move(s));
    std::this_thread::sleep_for(2ms);
  }
  return all;
}

// Flushes on a helper thread while the trainer takes (acknowledgements follow take(), or
// acknowledge() when `acknowledge` is set).
bool flush_while_taking(TcpSampleSink& sink, TcpTrainerEndpoint& trainer, std::vector<Sample>& taken,
                        bool acknowledge = false) {
  std::atomic<bool> done{false};
  bool ok = false;
  std::thread t([&] {
    ok = sink.flush_within(5s);
    done = true;
  });
  while (!done) {
    for (Sample& s : trainer.take()) taken.push_back(std::move(s));
    if (acknowledge) trainer.acknowledge();
    std::this_thread::sleep_for(2ms);
  }
  t.join();
  for (Sample& s : trainer.take()) taken.push_back(std::move(s));
  return ok;
}

std::multiset<std::uint64_t> sequences(const std::vector<Sample>& samples) {
  std::multiset<std::uint64_t> out;
  for (const Sample& s : samples) out.insert(s.sequence);
  return out;
}

std::multiset<std::uint64_t> range(std::uint64_t from, std::uint64_t to) {
  std::multiset<std::uint64_t> out;
  for (std::uint64_t i = from; i < to; ++i) out.insert(i);
  return out;
}

// A TCP relay between walkers and the trainer that the test can cut: after `budget` bytes from
// the walker it forwards nothing more and closes both sides (a cut in the middle of a message).
class CuttingRelay {
 public:
  explicit CuttingRelay(int target) : target_(target) {
    listener_ = tcp::listen_on("127.0.0.1", 0, &port_);
    thread_ = std::thread([this] { run(); });
  }
  ~CuttingRelay() {
    stop_ = true;
    thread_.join();
  }
  int port() const { return port_; }
  void cut_after(std::size_t bytes) { budget_ = static_cast<long long>(bytes); }
  int cuts() const { return cuts_; }

 private:
  struct Pair {
    tcp::Socket walker, trainer;
  };
  void run() {
    std::vector<Pair> pairs;
    while (!stop_) {
      std::string peer;
      tcp::Socket w = tcp::accept_from(listener_, &peer);
      if (w.valid()) pairs.push_back({std::move(w), tcp::connect_to("127.0.0.1", target_, Clock::now() + 1s)});
      for (auto it = pairs.begin(); it != pairs.end();) {
        std::string up, down, why;
        const bool w_open = tcp::read_available(it->walker, up, &why);
        const bool t_open = tcp::read_available(it->trainer, down, &why);
        bool cut = !w_open || !t_open;
        if (budget_ >= 0 && static_cast<long long>(up.size()) > budget_) {
          up.resize(static_cast<std::size_t>(budget_));
          cut = true;
          ++cuts_;
          budget_ = -1;
        } else if (budget_ >= 0) {
          budget_ -= static_cast<long long>(up.size());
        }
        try {
          tcp::send_all(it->trainer, up, Clock::now() + 1s);
          tcp::send_all(it->walker, down, Clock::now() + 1s);
        } catch (const Error&) {
          cut = true;
        }
        if (cut) {
          it = pairs.erase(it);
        } else {
          ++it;
        }
      }
      std::this_thread::sleep_for(1ms);
    }
  }
  int target_;
  int port_ = 0;
  tcp::Socket listener_;
  std::atomic<bool> stop_{false};
  std::atomic<long long> budget_{-1};
  std::atomic<int> cuts_{0};
  std::thread thread_;
};

// Reads frames from a raw connection until it closes or 2 s pass.
std::vector<tcp::Frame> frames_until_close(const tcp::Socket& s) {
  tcp::FrameDecoder decoder("test peer");
  std::vector<tcp::Frame> out;
  const auto deadline = Clock::now() + 2s;
  while (Clock::now() < deadline) {
    if (!tcp::wait_readable(s, deadline)) break;
    std::string bytes, why;
    const bool open = tcp::read_available(s, bytes, &why);
    decoder.feed(bytes.data(), bytes.size());
    while (auto f = decoder.next()) out.push_back(*f);
    if (!open) break;
  }
  return out;
}

// A trainer in a forked process: reports its port, then "checkpoints" each sample it takes by
// writing its sequence number to `fd` before acknowledging it; after `acknowledge_limit` samples
// it stops acknowledging (as if it always crashed between checkpoint and acknowledgement).
// Never returns.
[[noreturn]] void trainer_process(int port, const std::set<std::uint64_t>& checkpoint, int fd,
                                  std::size_t acknowledge_limit) {
  try {
    TcpTrainerOptions o;
    o.port = port;
    o.acknowledge_on_take = false;
    TcpTrainerEndpoint trainer(o);
    for (const std::uint64_t s : checkpoint) trainer.already_have("w", s);
    const int bound = trainer.port();
    if (::write(fd, &bound, sizeof bound) != sizeof bound) ::_exit(3);
    std::size_t taken = 0;
    for (;;) {
      for (const Sample& s : trainer.take()) {
        if (::write(fd, &s.sequence, sizeof s.sequence) != sizeof s.sequence) ::_exit(3);
        ++taken;
      }
      if (taken <= acknowledge_limit) trainer.acknowledge();
      std::this_thread::sleep_for(1ms);
    }
  } catch (...) {
    ::_exit(2);
  }
}

struct TrainerProcess {
  pid_t pid = -1;
  int fd = -1;
  int port = 0;
};

TrainerProcess start_trainer_process(int port, const std::set<std::uint64_t>& checkpoint,
                                     std::size_t acknowledge_limit = SIZE_MAX) {
  int p[2];
  if (::pipe(p) != 0) throw Error("pipe failed");
  TrainerProcess t;
  t.pid = ::fork();
  if (t.pid == 0) {
    ::close(p[0]);
    trainer_process(port, checkpoint, p[1], acknowledge_limit);
  }
  ::close(p[1]);
  t.fd = p[0];
  if (::read(t.fd, &t.port, sizeof t.port) != sizeof t.port) throw Error("the trainer process did not start");
  return t;
}

// Kills the trainer process (SIGKILL: no destructor runs) and returns the sequences it checkpointed.
std::multiset<std::uint64_t> kill_trainer_process(TrainerProcess& t) {
  ::kill(t.pid, SIGKILL);
  ::waitpid(t.pid, nullptr, 0);
  std::multiset<std::uint64_t> out;
  std::uint64_t s = 0;
  while (::read(t.fd, &s, sizeof s) == sizeof s) out.insert(s);
  ::close(t.fd);
  return out;
}

}  // namespace

TEST(LearningTcpFrame, RoundTripsByteByByte) {
  const std::string a = tcp::encode_frame(FrameType::sample, "hello");
  const std::string b = tcp::encode_frame(FrameType::no_model, "");
  const std::string stream = a + b;
  tcp::FrameDecoder d("test");
  std::vector<tcp::Frame> got;
  for (const char c : stream) {
    d.feed(&c, 1);
    while (auto f = d.next()) got.push_back(*f);
  }
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].type, FrameType::sample);
  EXPECT_EQ(got[0].payload, "hello");
  EXPECT_EQ(got[1].type, FrameType::no_model);
  EXPECT_EQ(got[1].payload, "");
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(LearningTcpFrame, RefusesGarbageOversizedAndCorrupted) {
  const auto error_of = [](const std::string& bytes, std::uint64_t limit = 1000) -> std::string {
    tcp::FrameDecoder d("peer X", limit);
    d.feed(bytes.data(), bytes.size());
    try {
      d.next();
    } catch (const tcp::FrameError& e) {
      return e.what();
    }
    return "";
  };
  const std::string good = tcp::encode_frame(FrameType::ack, "w 1");
  EXPECT_EQ(error_of(good), "");
  EXPECT_NE(error_of("GET / HTTP/1.1\r\nHost: x\r\n\r\n").find("magic"), std::string::npos);
  std::string bad = good;
  bad[4] = 9;
  EXPECT_NE(error_of(bad).find("protocol version 9"), std::string::npos);
  bad = good;
  bad[5] = 77;
  EXPECT_NE(error_of(bad).find("unknown message type 77"), std::string::npos);
  bad = good;
  bad[6] = 1;
  EXPECT_NE(error_of(bad).find("reserved"), std::string::npos);
  bad = good;
  bad[tcp::kHeaderSize] ^= 0x20;
  EXPECT_NE(error_of(bad).find("checksum"), std::string::npos);
  // An oversized length is refused from the header alone, before any payload arrives.
  bad = good.substr(0, tcp::kHeaderSize);
  bad[15] = 0x7f;
  const std::string e = error_of(bad);
  EXPECT_NE(e.find("exceeds the limit of 1000 bytes"), std::string::npos) << e;
  EXPECT_NE(e.find("peer X"), std::string::npos) << e;
  EXPECT_THROW(tcp::encode_frame(FrameType::sample, std::string(2000, 'x'), 1000), Error);
}

TEST(LearningTcpFrame, ModelMessageCarriesItsFormat) {
  const PublishedModel m = tcp::decode_model(tcp::encode_model({12, "torchscript", std::string("a\nb\0c", 5)}), "test");
  EXPECT_EQ(m.version, 12);
  EXPECT_EQ(m.format, "torchscript");
  EXPECT_EQ(m.bytes, std::string("a\nb\0c", 5));
  // A trainer from before format tags sends "<version>\n<native text>".
  const PublishedModel old = tcp::decode_model("7\nslhmc-nnp", "test");
  EXPECT_EQ(old.version, 7);
  EXPECT_EQ(old.format, "native");
  EXPECT_EQ(old.bytes, "slhmc-nnp");
  EXPECT_THROW(tcp::decode_model("7 \nx", "test"), ParseError);
  EXPECT_THROW(tcp::decode_model("x native\nx", "test"), ParseError);
}

TEST(LearningTcpFrame, SampleMessageRoundTrips) {
  const Sample s = make_sample("walker-7_b", 42);
  const Sample r = tcp::decode_sample(tcp::encode_sample(s), "test");
  EXPECT_EQ(r.walker, s.walker);
  EXPECT_EQ(r.sequence, 42u);
  EXPECT_EQ(r.trial, s.trial);
  EXPECT_EQ(r.accepted, s.accepted);
  EXPECT_EQ(r.model_version, s.model_version);
  EXPECT_EQ(r.frame.frame.numbers, s.frame.frame.numbers);
  EXPECT_EQ(r.frame.frame.positions, s.frame.frame.positions);
  EXPECT_EQ(*r.frame.labels.energy, *s.frame.labels.energy);
  EXPECT_EQ(*r.frame.labels.forces, *s.frame.labels.forces);
  EXPECT_EQ(*r.frame.labels.virial, *s.frame.labels.virial);
  EXPECT_EQ(r.frame.info.at("config_type"), "md");
  EXPECT_EQ(r.frame.info.count("sequence"), 0u);
  Sample bad = s;
  bad.walker = "a b";
  EXPECT_THROW(tcp::encode_sample(bad), Error);
  bad = s;  // what the trainer could not read is refused before it travels
  bad.frame.labels.forces->pop_back();
  EXPECT_THROW(tcp::encode_sample(bad), Error);
  bad = s;
  bad.frame.labels.energy = std::nan("");
  EXPECT_THROW(tcp::encode_sample(bad), Error);
  EXPECT_THROW(tcp::decode_ack("w", "test"), ParseError);
  EXPECT_THROW(tcp::decode_ack("w 1 x", "test"), ParseError);
  EXPECT_EQ(tcp::decode_ack("w 1 5", "test").sequences, (std::vector<std::uint64_t>{1, 5}));
}

TEST(LearningTcp, SamplesArriveExactlyOnceFromSeveralWalkers) {
  TcpTrainerEndpoint trainer;
  std::vector<Sample> taken;
  std::vector<std::thread> walkers;
  std::atomic<int> flushed{0};
  for (int w = 0; w < 3; ++w)
    walkers.emplace_back([&, w] {
      TcpSampleSink sink(walker_options(trainer.port()));
      for (std::uint64_t i = 0; i < 40; ++i) sink.push(make_sample("w" + std::to_string(w), i));
      if (sink.flush_within(5s) && sink.unacknowledged() == 0) ++flushed;
    });
  const auto deadline = Clock::now() + 6s;
  while (taken.size() < 120 && Clock::now() < deadline) {
    for (Sample& s : trainer.take()) taken.push_back(std::move(s));
    std::this_thread::sleep_for(2ms);
  }
  for (std::thread& t : walkers) t.join();
  EXPECT_EQ(flushed, 3);
  std::map<std::string, std::multiset<std::uint64_t>> by_walker;
  for (const Sample& s : taken) by_walker[s.walker].insert(s.sequence);
  ASSERT_EQ(by_walker.size(), 3u);
  for (const auto& [walker, seqs] : by_walker) EXPECT_EQ(seqs, range(0, 40)) << walker;
  EXPECT_TRUE(trainer.take_problems().empty());
}

TEST(LearningTcp, CutMidMessageAndReconnectKeepsExactlyOnce) {
  TcpTrainerOptions to;
  to.acknowledge_on_take = false;  // nothing is acknowledged until the trainer says so
  TcpTrainerEndpoint trainer(to);
  CuttingRelay relay(trainer.port());
  TcpSampleSink sink(walker_options(relay.port()));
  for (std::uint64_t i = 0; i < 10; ++i) sink.push(make_sample("w", i));
  std::vector<Sample> taken = take_until(trainer, 10);
  ASSERT_EQ(sequences(taken), range(0, 10));
  EXPECT_EQ(sink.unacknowledged(), 10u);
  // Cut in the middle of the next sample's message: 10 samples taken but unacknowledged, and a
  // partial message at the trainer.
  relay.cut_after(tcp::encode_frame(FrameType::sample, tcp::encode_sample(make_sample("w", 10))).size() / 2);
  for (std::uint64_t i = 10; i < 20; ++i) sink.push(make_sample("w", i));
  trainer.acknowledge();  // acknowledges 0..9 on a connection that is gone or going
  const bool flushed = flush_while_taking(sink, trainer, taken, true);
  EXPECT_EQ(relay.cuts(), 1);
  EXPECT_TRUE(flushed) << sink.last_problem();
  EXPECT_EQ(sink.unacknowledged(), 0u);
  EXPECT_EQ(sequences(taken), range(0, 20));  // the re-sent 0..9 are acknowledged, not counted again
  const std::vector<std::string> problems = trainer.take_problems();
  EXPECT_TRUE(problems.empty()) << problems.front();  // a cut is no protocol error
}

TEST(LearningTcp, AlreadyHaveSamplesAreAcknowledgedNotCounted) {
  TcpTrainerEndpoint trainer;
  for (std::uint64_t i = 0; i < 5; ++i) trainer.already_have("w", i);
  TcpSampleSink sink(walker_options(trainer.port()));
  for (std::uint64_t i = 0; i < 8; ++i) sink.push(make_sample("w", i));
  std::vector<Sample> taken;
  EXPECT_TRUE(flush_while_taking(sink, trainer, taken));
  EXPECT_EQ(sequences(taken), range(5, 8));
}

TEST(LearningTcp, SurvivesTrainerRestartOnTheSamePort) {
  auto trainer = std::make_unique<TcpTrainerEndpoint>();
  const int port = trainer->port();
  trainer->publish({1, "native", model_text(1)});
  TcpSampleSink sink(walker_options(port));
  TcpModelSource models(walker_options(port));
  for (std::uint64_t i = 0; i < 5; ++i) sink.push(make_sample("w", i));
  std::vector<Sample> before;
  ASSERT_TRUE(flush_while_taking(sink, *trainer, before));
  EXPECT_EQ(sequences(before), range(0, 5));
  ASSERT_EQ(models.newer_than(0).value().version, 1);

  trainer.reset();  // the trainer goes away
  for (std::uint64_t i = 5; i < 10; ++i) sink.push(make_sample("w", i));
  std::string problem;
  EXPECT_FALSE(models.newer_than(1, &problem).has_value());
  EXPECT_NE(problem, "");
  EXPECT_FALSE(sink.flush_within(100ms));
  EXPECT_EQ(sink.unacknowledged(), 5u);

  TcpTrainerOptions o;
  o.port = port;
  trainer = std::make_unique<TcpTrainerEndpoint>(o);
  trainer->publish({2, "native", model_text(2)});
  std::vector<Sample> after;
  EXPECT_TRUE(flush_while_taking(sink, *trainer, after)) << sink.last_problem();
  EXPECT_EQ(sequences(after), range(5, 10));
  std::optional<PublishedModel> m;
  const auto deadline = Clock::now() + 3s;  // the source may still be in its backoff
  while (!m && Clock::now() < deadline) {
    m = models.newer_than(1, &problem);
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(m.has_value()) << problem;
  EXPECT_EQ(m->version, 2);
}

TEST(LearningTcp, ModelsArriveWholeWithIncreasingVersions) {
  TcpTrainerEndpoint trainer;
  TcpModelSource source(walker_options(trainer.port()));
  std::string problem = "unset";
  EXPECT_FALSE(source.newer_than(0, &problem).has_value());  // nothing published yet
  EXPECT_EQ(problem, "unset");                                // and that is no problem
  const std::string v1 = model_text(1);
  trainer.publish({1, "native", v1});
  std::optional<PublishedModel> m = source.newer_than(0);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->version, 1);
  EXPECT_EQ(m->bytes, v1);
  EXPECT_FALSE(source.newer_than(1).has_value());
  trainer.publish({3, "native", model_text(3)});
  EXPECT_EQ(source.newer_than(1).value().version, 3);
  EXPECT_THROW(trainer.publish({2, "native", model_text(2)}), Error);  // not above 3
  EXPECT_THROW(trainer.publish({4, "native", model_text(5)}), Error);  // text says 5
  std::string broken = model_text(4);
  broken[broken.size() / 2] ^= 1;
  EXPECT_THROW(trainer.publish({4, "native", broken}), ParseError);
  EXPECT_EQ(source.newer_than(1).value().version, 3);
}

TEST(LearningTcp, WalkerRefusesBrokenModelAndKeepsPollTimeout) {
  // A trainer impostor: answers the first request with a corrupted model, then never answers.
  int port = 0;
  tcp::Socket listener = tcp::listen_on("127.0.0.1", 0, &port);
  std::atomic<bool> stop{false};
  std::thread impostor([&] {
    tcp::Socket c;
    tcp::FrameDecoder d("walker");
    int requests = 0;
    while (!stop) {
      if (!c.valid()) c = tcp::accept_from(listener, nullptr);
      if (c.valid()) {
        std::string bytes, why;
        tcp::read_available(c, bytes, &why);
        d.feed(bytes.data(), bytes.size());
        if (auto f = d.next(); f && f->type == FrameType::model_request && ++requests == 1) {
          std::string text = model_text(7);
          text[text.size() / 3] ^= 1;
          tcp::send_all(c, tcp::encode_frame(FrameType::model, tcp::encode_model({7, "native", text})), Clock::now() + 1s);
        }
      }
      std::this_thread::sleep_for(1ms);
    }
  });
  TcpWalkerOptions o = walker_options(port);
  o.poll_timeout = 300ms;
  TcpModelSource source(o);
  std::string problem;
  EXPECT_FALSE(source.newer_than(0, &problem).has_value());
  EXPECT_NE(problem.find("refused a broken model"), std::string::npos) << problem;
  EXPECT_NE(problem.find("checksum"), std::string::npos) << problem;
  const auto start = Clock::now();
  EXPECT_FALSE(source.newer_than(0, &problem).has_value());
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  EXPECT_GE(took, 250);
  EXPECT_LT(took, 1500);  // generous for a loaded CI machine
  EXPECT_NE(problem.find("no answer"), std::string::npos) << problem;
  stop = true;
  impostor.join();
}

TEST(LearningTcp, GarbageAndOversizedMessagesDropOnlyThatConnection) {
  TcpTrainerOptions to;
  to.max_message_bytes = 1 << 20;
  TcpTrainerEndpoint trainer(to);
  trainer.publish({1, "native", model_text(1)});
  const auto send_raw = [&](const std::string& bytes) {
    tcp::Socket s = tcp::connect_to("127.0.0.1", trainer.port(), Clock::now() + 1s);
    tcp::send_all(s, bytes, Clock::now() + 1s);
    return frames_until_close(s);
  };
  // Plain garbage, an HTTP request, an oversized header, a trainer-only message, a bad sample.
  std::string huge = tcp::encode_frame(FrameType::sample, "x").substr(0, tcp::kHeaderSize);
  huge[14] = 0x10;  // 2^52 bytes announced
  const std::vector<std::string> attacks = {
      std::string("\x00\xff garbage bytes \x01", 18), "GET / HTTP/1.1\r\nHost: trainer\r\n\r\n", huge,
      tcp::encode_frame(FrameType::model, "1\nx"), tcp::encode_frame(FrameType::sample, "not an xyz frame"),
      tcp::encode_frame(FrameType::model_request, "-x")};
  for (const std::string& attack : attacks) {
    const std::vector<tcp::Frame> answer = send_raw(attack);
    ASSERT_EQ(answer.size(), 1u);
    EXPECT_EQ(answer[0].type, FrameType::error);
  }
  const std::vector<std::string> problems = trainer.take_problems();
  ASSERT_EQ(problems.size(), attacks.size());
  EXPECT_NE(problems[0].find("magic"), std::string::npos) << problems[0];
  EXPECT_NE(problems[2].find("exceeds the limit"), std::string::npos) << problems[2];
  EXPECT_NE(problems[3].find("only a trainer sends"), std::string::npos) << problems[3];
  // The endpoint is unharmed: an honest walker still gets through.
  TcpSampleSink sink(walker_options(trainer.port()));
  TcpModelSource models(walker_options(trainer.port()));
  for (std::uint64_t i = 0; i < 3; ++i) sink.push(make_sample("honest", i));
  std::vector<Sample> taken;
  EXPECT_TRUE(flush_while_taking(sink, trainer, taken));
  EXPECT_EQ(sequences(taken), range(0, 3));
  EXPECT_EQ(models.newer_than(0).value().version, 1);
  EXPECT_TRUE(trainer.take().empty());
}

TEST(LearningTcp, UnreachableTrainerDoesNotStallTheWalker) {
  int port = 0;
  { tcp::Socket probe = tcp::listen_on("127.0.0.1", 0, &port); }  // a port nobody listens on now
  TcpSampleSink sink(walker_options(port));
  TcpModelSource models(walker_options(port));
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < 50; ++i) sink.push(make_sample("w", i));
  std::string problem;
  EXPECT_FALSE(models.newer_than(0, &problem).has_value());
  EXPECT_FALSE(sink.flush_within(200ms));
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_EQ(sink.unacknowledged(), 50u);
  EXPECT_NE(sink.last_problem().find("cannot connect"), std::string::npos) << sink.last_problem();
  EXPECT_NE(problem.find("cannot connect"), std::string::npos) << problem;
  EXPECT_THROW(TcpSampleSink(walker_options(0)), Error);
}

TEST(LearningTcp, TrainerProcessKilledBetweenCheckpointAndAcknowledgement) {
  // The walker (this process) feeds a trainer process that checkpoints 0..29 but acknowledges
  // only 0..14 before it is SIGKILLed (no destructor runs). The walker re-sends 15..29 to the
  // restarted trainer, which resumes from the checkpoint: they are acknowledged, not counted again.
  TrainerProcess first = start_trainer_process(0, {}, 15);
  const int port = first.port;
  TcpSampleSink sink(walker_options(port));
  for (std::uint64_t i = 0; i < 15; ++i) sink.push(make_sample("w", i));
  ASSERT_TRUE(sink.flush_within(5s)) << sink.last_problem();
  for (std::uint64_t i = 15; i < 30; ++i) sink.push(make_sample("w", i));
  EXPECT_FALSE(sink.flush_within(300ms));  // taken and checkpointed, never acknowledged
  EXPECT_EQ(sink.unacknowledged(), 15u);
  const std::multiset<std::uint64_t> before = kill_trainer_process(first);
  EXPECT_EQ(before, range(0, 30));

  TrainerProcess second = start_trainer_process(port, std::set<std::uint64_t>(before.begin(), before.end()));
  EXPECT_TRUE(sink.flush_within(5s)) << sink.last_problem();
  EXPECT_EQ(sink.unacknowledged(), 0u);
  for (std::uint64_t i = 30; i < 35; ++i) sink.push(make_sample("w", i));
  EXPECT_TRUE(sink.flush_within(5s)) << sink.last_problem();
  const std::multiset<std::uint64_t> after = kill_trainer_process(second);
  EXPECT_EQ(after, range(30, 35));  // only the new ones: each sample once over both trainer lives
}
