// The i-PI server with a real small client process (tests/ipi_clients/
// faulty_client.py, standard-library Python) that answers correctly or fails
// on purpose: every fault becomes an EngineError naming it, or a retry with a
// restarted client; EXIT goes out at the end; stale socket files are handled.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <chrono>
#include <thread>

#include "ipi_test_support.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"

namespace slhmc::ipi {
namespace {

using test::TempDir;

#define REQUIRE_PYTHON() \
  if (!test::have_program(test::kSystemPython)) GTEST_SKIP() << test::kSystemPython << " is not installed"

Frame small_frame() {
  Frame f;
  f.cell = Cell(Mat3{Vec3{6, 0, 0}, Vec3{1, 7, 0}, Vec3{0.5, 0.3, 8}}, {true, true, true});
  for (int i = 0; i < 8; ++i) f.add_atom(29, Vec3{0.7 * i, 0.3 * i + 0.1, 1.0 - 0.2 * i});
  return f;
}

ServerOptions faulty_server(const TempDir& dir, const std::string& mode) {
  ServerOptions o;
  o.address.name = test::unique_socket_name("fault");
  o.timeout_s = 20;
  o.connect_timeout_s = 20;
  o.exit_grace_s = 5;
  ClientLaunch launch;
  launch.command = test::kSystemPython + " " + test::ipi_client_script("faulty_client.py") + " unix:{name} " + mode;
  launch.directory = dir.path().string();
  o.launch = launch;
  return o;
}

std::string error_of(IpiProvider& provider, const Frame& frame) {
  try {
    provider.compute(frame, ComputeRequest{});
  } catch (const EngineError& e) {
    return e.what();
  }
  return "(no error)";
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

TEST(IpiServerFaults, CorrectClientGivesTheHarmonicAnswerInEv) {
  REQUIRE_PYTHON();
  TempDir dir;
  auto p = make_ipi_providers(faulty_server(dir, "ok"), 1);
  const Frame f = small_frame();
  ComputeRequest request;
  request.virial = true;
  const ComputeResult r = p[0]->compute(f, request);
  // E = ½ Σ r² in Hartree and Bohr; F = −r; W_ab = −Σ r_a r_b, for the
  // positions as sent: wrapped into the cell (one atom of small_frame is outside).
  const double b = units::kBohrToAngstrom, ha = units::kHartreeToEv;
  double e = 0;
  Mat3 w{};
  std::size_t outside = 0;
  for (const Vec3& r0 : f.positions) {
    const Vec3 x = f.cell.wrap(r0);
    outside += norm(x - r0) > 1e-9;
    e += 0.5 * norm2(x) / (b * b) * ha;
    w += (-ha / (b * b)) * outer(x, x);
  }
  EXPECT_GT(outside, 0u);
  EXPECT_NEAR(r.energy, e, 1e-12 * e);
  for (std::size_t i = 0; i < f.size(); ++i)
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(r.forces[i][k], -f.cell.wrap(f.positions[i])[k] / b * ha / b, 1e-12);
  ASSERT_TRUE(r.has_virial);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(r.virial[i][j], w[i][j], 1e-11);
  EXPECT_EQ(r.extras, "{\"client\":\"faulty\"}");
}

TEST(IpiServerFaults, ExitIsSentAtTheEndAndTheClientEndsCleanly) {
  REQUIRE_PYTHON();
  TempDir dir;
  ServerOptions o = faulty_server(dir, "ok");
  o.launch.reset();  // we start the client ourselves, to see how it ends
  auto server = std::make_shared<IpiServer>(o);
  ClientProcess client(ProcessSpec{test::kSystemPython + " " + test::ipi_client_script("faulty_client.py") +
                                       " unix:" + o.address.name + " ok",
                                   dir.path().string(), {}, "client.log"});
  {
    IpiProvider provider(server, 0);
    provider.compute(small_frame(), ComputeRequest{});
    provider.compute(small_frame(), ComputeRequest{});
    EXPECT_EQ(provider.evaluations(), 2);
  }
  EXPECT_EQ(client.stop(5.0), "exited with status 0");  // 4 would mean: closed without EXIT
}

// A client that asks for INIT before every call (as QE and ASE do) gets it each
// time, and the default empty text goes out as one NUL byte: the client exits
// with status 5 on a zero-length text, on which pw.x 6.7 hangs.
TEST(IpiServerFaults, InitIsSentWheneverAskedAndNeverWithAnEmptyText) {
  REQUIRE_PYTHON();
  TempDir dir;
  auto p = make_ipi_providers(faulty_server(dir, "needinit"), 1);
  for (int k = 0; k < 2; ++k) EXPECT_NO_THROW(p[0]->compute(small_frame(), ComputeRequest{}));
  EXPECT_EQ(p[0]->evaluations(), 2);
}

TEST(IpiServerFaults, ClientThatDiesIsReportedWithItsExitStatus) {
  REQUIRE_PYTHON();
  TempDir dir;
  auto p = make_ipi_providers(faulty_server(dir, "die"), 1);
  const std::string e = error_of(*p[0], small_frame());
  EXPECT_NE(e.find("client 0"), std::string::npos) << e;
  EXPECT_NE(e.find("closed the connection"), std::string::npos) << e;
}

TEST(IpiServerFaults, KilledClientIsDetectedAtOnce) {
  REQUIRE_PYTHON();
  TempDir dir;
  ServerOptions o = faulty_server(dir, "hang");
  o.launch.reset();
  o.timeout_s = 60;
  auto server = std::make_shared<IpiServer>(o);
  ClientProcess client(ProcessSpec{test::kSystemPython + " " + test::ipi_client_script("faulty_client.py") +
                                       " unix:" + o.address.name + " hang",
                                   dir.path().string(), {}, ""});
  IpiProvider provider(server, 0);
  provider.connect();
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::kill(-client.pid(), SIGKILL);  // the group: the shell and the python it started
  });
  const auto t0 = std::chrono::steady_clock::now();
  const std::string e = error_of(provider, small_frame());
  killer.join();
  EXPECT_LT(seconds_since(t0), 5.0);
  EXPECT_NE(e.find("closed the connection"), std::string::npos) << e;
}

TEST(IpiServerFaults, HungClientHitsTheTimeLimitAndIsStopped) {
  REQUIRE_PYTHON();
  TempDir dir;
  ServerOptions o = faulty_server(dir, "hang");
  o.timeout_s = 0.5;
  auto p = make_ipi_providers(o, 1);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string e = error_of(*p[0], small_frame());
  EXPECT_LT(seconds_since(t0), 4.0);
  EXPECT_NE(e.find("no answer within the time limit"), std::string::npos) << e;
}

TEST(IpiServerFaults, WrongAtomCountNanGarbageAndHugeExtrasAreErrors) {
  REQUIRE_PYTHON();
  const std::pair<const char*, const char*> cases[] = {
      {"natoms", "FORCEREADY holds 9 atoms, expected 8"},
      {"nan", "non-finite energy"},
      {"garbage", "garbage instead of a message header: \"\\x00\\xffGARBAGE!\\x01\\x02\""},
      {"huge", "extra string has length 2147483647"},
  };
  for (const auto& [mode, message] : cases) {
    TempDir dir;
    auto p = make_ipi_providers(faulty_server(dir, mode), 1);
    const std::string e = error_of(*p[0], small_frame());
    EXPECT_NE(e.find(message), std::string::npos) << mode << ": " << e;
  }
}

TEST(IpiServerFaults, RetriesRestartTheClientAndRedoTheEvaluation) {
  REQUIRE_PYTHON();
  TempDir dir;
  ServerOptions o = faulty_server(dir, "flaky");  // dies on its first run, fine on the second
  o.retries = 1;
  auto p = make_ipi_providers(o, 1);
  const ComputeResult r = p[0]->compute(small_frame(), ComputeRequest{});
  EXPECT_GT(r.energy, 0.0);
  EXPECT_EQ(p[0]->restarts(), 1);
  EXPECT_EQ(p[0]->evaluations(), 1);

  TempDir dir2;
  o = faulty_server(dir2, "die");
  o.retries = 2;
  p = make_ipi_providers(o, 1);
  const std::string e = error_of(*p[0], small_frame());
  EXPECT_NE(e.find("gave up after 2 retries"), std::string::npos) << e;
}

TEST(IpiServerFaults, ClientThatCannotStartSaysWhyWithItsEnvironmentAndDirectory) {
  TempDir dir;
  ServerOptions o;
  o.address.name = test::unique_socket_name("nostart");
  o.connect_timeout_s = 20;
  o.launch = ClientLaunch{"echo \"pw.x: cannot read $INPUT_NAME in $(pwd)\" >&2; exit 7", (dir.path() / "client-{index}").string(),
                          {{"INPUT_NAME", "si.pwi"}}, "client.log"};
  auto p = make_ipi_providers(o, 1);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string e = error_of(*p[0], small_frame());
  EXPECT_LT(seconds_since(t0), 3.0);
  EXPECT_NE(e.find("exited with status 7"), std::string::npos) << e;
  // Its environment and its own working directory ({index} expanded, created) were used.
  EXPECT_NE(e.find("pw.x: cannot read si.pwi in " + (dir.path() / "client-0").string()), std::string::npos) << e;
}

TEST(IpiServerFaults, NoClientWithinTheConnectTimeLimit) {
  ServerOptions o;
  o.address.name = test::unique_socket_name("noclient");
  o.connect_timeout_s = 0.2;
  auto p = make_ipi_providers(o, 1);
  EXPECT_NE(error_of(*p[0], small_frame()).find("no client connected"), std::string::npos);
}

TEST(IpiServerFaults, StaleSocketFileIsReplacedButALiveServerIsNot) {
  ServerOptions o;
  o.address.name = test::unique_socket_name("stale");
  const std::string path = o.address.unix_path();
  {
    // A socket file left behind by a dead process: bound, never listened on.
    Fd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strcpy(a.sun_path, path.c_str());
    ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  {
    IpiServer server(o);
    try {
      IpiServer second(o);
      ADD_FAILURE() << "a second server on the same name";
    } catch (const EngineError& e) {
      EXPECT_NE(std::string(e.what()).find("another server is listening"), std::string::npos) << e.what();
    }
  }
  EXPECT_FALSE(std::filesystem::exists(path)) << "the server removes its socket file";
}

}  // namespace
}  // namespace slhmc::ipi
