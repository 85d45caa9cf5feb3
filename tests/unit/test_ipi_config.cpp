// The `type = "ipi"` configuration: every key read, defaults, and errors that
// name the key.
#include <gtest/gtest.h>

#include "ipi_test_support.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/forces/registry.hpp"

namespace slhmc::ipi {
namespace {

Config reference(const std::string& body) { return Config::parse("[reference]\n" + body, "test.toml").section("reference"); }

std::string config_error(const std::string& body) {
  try {
    ProviderContext context;
    make_provider(reference(body), context);
  } catch (const ConfigError& e) {
    return e.key() + ": " + e.what();
  }
  return "(no error)";
}

TEST(IpiConfig, EveryKeyIsRead) {
  ProviderContext context;
  context.base_dir = "/runs";
  const ServerOptions o = server_options_from_config(reference(R"(
type = "ipi"
transport = "tcp"
host = "localhost"
port = 0
timeout_s = 30
connect_timeout_s = 5
retries = 2
init_text = "batch_size:1"
max_extra_bytes = 100
exit_grace_s = 1
bohr_angstrom = 0.52917721
hartree_ev = 27.211385748053758
[reference.client]
command = "pw.x --ipi {host}:{port}"
directory = "qe-{index}"
log = "pw.log"
[reference.client.env]
OMP_NUM_THREADS = "1"
)"), context);
  EXPECT_FALSE(o.address.unix_socket);
  EXPECT_EQ(o.address.host, "localhost");
  EXPECT_EQ(o.address.port, 0);
  EXPECT_EQ(o.timeout_s, 30);
  EXPECT_EQ(o.connect_timeout_s, 5);
  EXPECT_EQ(o.retries, 2);
  EXPECT_EQ(o.init_text, "batch_size:1");
  EXPECT_EQ(o.max_extra_bytes, 100);
  EXPECT_EQ(o.exit_grace_s, 1);
  EXPECT_EQ(o.units.bohr_angstrom, 0.52917721);
  ASSERT_TRUE(o.launch);
  EXPECT_EQ(o.launch->directory, "/runs/qe-{index}");
  EXPECT_EQ(o.launch->log_file, "pw.log");
  EXPECT_EQ(o.launch->environment.at("OMP_NUM_THREADS"), "1");
}

TEST(IpiConfig, ProviderIsBuiltWithoutConnecting) {
  ProviderContext context;
  const std::string name = test::unique_socket_name("config");
  const auto p = make_provider(reference("type = \"ipi\"\nname = \"" + name + "\"\n"), context);
  EXPECT_NE(p->description().find("/tmp/ipi_" + name), std::string::npos) << p->description();
  EXPECT_TRUE(std::filesystem::exists("/tmp/ipi_" + name)) << "listening from the start, so clients may connect early";
}

TEST(IpiConfig, WrongValuesNameTheKey) {
  EXPECT_NE(config_error("type = \"ipi\"\n").find("reference.name"), std::string::npos);
  EXPECT_NE(config_error("type = \"ipi\"\nname = \"a/b\"\n").find("reference.name"), std::string::npos);
  EXPECT_NE(config_error("type = \"ipi\"\ntransport = \"udp\"\nname = \"x\"\n").find("reference.transport"),
            std::string::npos);
  EXPECT_NE(config_error("type = \"ipi\"\ntransport = \"tcp\"\nport = 70000\n").find("reference.port"), std::string::npos);
  EXPECT_NE(config_error("type = \"ipi\"\nname = \"x\"\ntimeout_s = 0\n").find("reference.timeout_s"), std::string::npos);
  EXPECT_NE(config_error("type = \"ipi\"\nname = \"x\"\nretries = -1\n").find("reference.retries"), std::string::npos);
  EXPECT_NE(config_error("type = \"ipi\"\nname = \"x\"\nhartree_ev = 1.0\n").find("reference.hartree_ev"),
            std::string::npos);
  EXPECT_NE(config_error("type = \"ipi\"\nname = \"x\"\ntimout_s = 5\n").find("reference.timout_s"), std::string::npos);
  EXPECT_NE(config_error("type = \"ipi\"\n[reference.client]\ncommand = \"\"\n").find("reference.client.command"),
            std::string::npos);
  EXPECT_NE(config_error("type = \"ipi\"\n[reference.client]\ncommand = \"x\"\ndirectry = \"d\"\n")
                .find("reference.client.directry"),
            std::string::npos);
}

}  // namespace
}  // namespace slhmc::ipi
