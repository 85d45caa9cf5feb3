// The i-PI client loop (`slhmc serve`) against a scripted server: STATUS is
// answered in every state, INIT is accepted at any time (even while holding
// results), POSDATA+GETFORCE may arrive in one write, EXIT ends it.
#include <gtest/gtest.h>

#include <thread>

#include "ipi_test_support.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/engines/ipi_client.hpp"
#include "slhmc/forces/registry.hpp"

namespace slhmc::ipi {
namespace {

Frame two_argon() {
  Frame f;
  f.cell = Cell::orthorhombic(10, 11, 12);
  f.add_atom(18, Vec3{1, 1, 1});
  f.add_atom(18, Vec3{4.5, 1.2, 0.8});
  return f;
}

std::unique_ptr<ForceProvider> lj() {
  ProviderContext context;
  return make_provider(Config::parse("type = \"lj\"\nepsilon = 0.0104\nsigma = 3.40\ncutoff = 4.9\n", "lj"), context);
}

TEST(IpiClient, AnswersStatusInEveryStateAndInitAtAnyTime) {
  SocketAddress address;
  address.name = test::unique_socket_name("client");
  Listener listener(address);
  auto potential = lj();
  const Frame f = two_argon();
  ClientSummary summary;
  std::string client_error;
  std::jthread client([&] {  // joins on early test exit, after s closes the socket
    try {
      ClientOptions o;
      o.address = address;
      summary = serve_ipi(*potential, f, o);
    } catch (const std::exception& e) {
      client_error = e.what();
    }
  });
  SocketStream s(listener.accept(Clock::now() + std::chrono::seconds(10)));
  s.set_deadline(Clock::now() + std::chrono::seconds(10));
  const AtomicUnits u = AtomicUnits::codata2018();
  auto status = [&] {
    s.write_all(header("STATUS"));
    return read_header(s);
  };
  EXPECT_EQ(status(), "NEEDINIT");
  s.write_all(encode_init(0, "first"));
  EXPECT_EQ(status(), "READY");
  // i-PI 3.2+: POSDATA and GETFORCE in one write.
  s.write_all(encode_posdata(f.cell.matrix(), f.positions, u) + header("GETFORCE"));
  ASSERT_EQ(read_header(s), "FORCEREADY");
  const ForceData first = read_forceready(s, 2, u);
  ComputeRequest request;
  request.virial = true;
  const ComputeResult want = potential->compute(f, request);
  EXPECT_NEAR(first.energy, want.energy, 1e-14);
  EXPECT_NEAR(first.forces[1][0], want.forces[1][0], 1e-14);
  EXPECT_NEAR(first.virial[0][0], want.virial[0][0], 1e-14);
  EXPECT_EQ(status(), "READY");
  // The classic conversation, with an INIT while the client holds results.
  Frame moved = f;
  moved.positions[1][0] += 0.3;
  s.write_all(encode_posdata(moved.cell.matrix(), moved.positions, u));
  EXPECT_EQ(status(), "HAVEDATA");
  s.write_all(encode_init(3, "again"));
  EXPECT_EQ(status(), "HAVEDATA");
  s.write_all(header("GETFORCE"));
  ASSERT_EQ(read_header(s), "FORCEREADY");
  EXPECT_NEAR(read_forceready(s, 2, u).energy, potential->compute(moved, request).energy, 1e-14);
  EXPECT_EQ(status(), "READY");
  s.write_all(header("EXIT"));
  client.join();
  EXPECT_EQ(client_error, "");
  EXPECT_TRUE(summary.got_exit);
  EXPECT_EQ(summary.evaluations, 2);
}

TEST(IpiClient, GetforceWithoutPositionsAndUnknownMessagesAreErrors) {
  for (const std::string& bad : {header("GETFORCE"), header("WHATEVER")}) {
    SocketAddress address;
    address.name = test::unique_socket_name("client");
    Listener listener(address);
    auto potential = lj();
    std::string client_error;
    std::jthread client([&] {  // joins on early test exit, after s closes the socket
      try {
        ClientOptions o;
        o.address = address;
        serve_ipi(*potential, two_argon(), o);
      } catch (const EngineError& e) {
        client_error = e.what();
      }
    });
    SocketStream s(listener.accept(Clock::now() + std::chrono::seconds(10)));
    s.write_all(bad);
    client.join();
    EXPECT_NE(client_error.find(bad == header("GETFORCE") ? "GETFORCE before any POSDATA" : "unknown message WHATEVER"),
              std::string::npos)
        << client_error;
  }
}

}  // namespace
}  // namespace slhmc::ipi
