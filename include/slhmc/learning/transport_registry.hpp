// Transports are plug-ins: each one registers itself, in its own file, with
// one TransportRegistration that says how its [transport] table is read, how
// it is described, and how its doors open on a walker's side and on a
// trainer's side. Nothing else names a transport type, so a new transport is
// a new folder under src/learning/transport/ plus its registration line.
//
//   namespace {
//   const slhmc::learning::TransportRegistration reg(make_kind());   // a TransportKind
//   }
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "slhmc/io/config.hpp"
#include "slhmc/learning/sample_ledger.hpp"
#include "slhmc/learning/transport.hpp"

namespace slhmc::learning {

// A [transport] (trainer) or [training.transport] (walker) table as read. Each transport uses
// the fields it needs.
struct TransportConfig {
  std::string type = "directory";  // a registered transport name
  std::string path;                // a shared directory (resolved)
  std::string host = "127.0.0.1";  // where the trainer listens (trainer) / is reached (walker)
  int port = 0;                    // the trainer's port (1..65535)
};

// What a walker of `slhmc run` tells its transport when the config is read.
struct WalkerSetup {
  const Config* training = nullptr;  // its [training] table (an in-process trainer reads its keys)
  std::string base_dir;              // relative paths of the config resolve against it
  std::string run_dir;               // the walker's output directory
  std::string walker;                // the walker id
};

using MessageSink = std::function<void(const std::string&)>;

// A walker's end of a transport. Built when the config is read (it checks the config and
// describes itself for --dry-run, but touches nothing); open() makes its doors.
class WalkerTransport {
 public:
  virtual ~WalkerTransport() = default;
  // How the walker's models are trained, for the plan ("by `slhmc trainer` at HOST:PORT", ...).
  virtual std::string description() const = 0;
  // Whether a walker's bootstrap model reaches the trainer (if not, deterministic mode needs an
  // initial model that walkers and trainer share).
  virtual bool publishes_bootstrap() const { return true; }
  // Whether a trainer runs inside this process (then the [training] key `device` is its).
  virtual bool trains_here() const { return false; }
  // Creates the doors and starts whatever serves them; `trainer_messages` gets the lines of a
  // trainer inside this process.
  virtual void open(MessageSink trainer_messages) = 0;
  // After open(): samples to the trainer, models from it.
  virtual SampleSink& sink() = 0;
  virtual ModelSource& source() = 0;
  // After open(): where a walker that trained its first model from scratch sends the bootstrap
  // samples (walker "<walker>-bootstrap") and that model; null if the transport does not.
  virtual SampleSink* bootstrap_sink() { return nullptr; }
  virtual ModelPublisher* publisher() { return nullptr; }
  // Why the trainer cannot deliver any more ("" while it can, or when the transport cannot tell).
  virtual std::string trainer_failure() const { return ""; }
  // Stops what open() started (a trainer inside this process finishes its round).
  virtual void close() {}
  // Lines for the run's summary after close() ("" for none).
  virtual std::string summary() const { return ""; }
};

// A trainer's end of a transport (`slhmc trainer`).
class TrainerTransport {
 public:
  virtual ~TrainerTransport() = default;
  // Where the trainer serves, for its first line ("listening on HOST:PORT", a directory).
  virtual std::string description() const = 0;
  virtual SampleFeed& feed() = 0;
  virtual ModelPublisher& publisher() = 0;
  virtual ModelSource& source() = 0;  // models published by others (walkers' bootstrap models)
};

struct TransportKind {
  std::string name;
  bool walker_only = false;  // no trainer side (e.g. a trainer thread inside the walker)
  // Reads the table's keys into `c` (c.type is set); throws ConfigError for a bad or foreign key.
  std::function<void(const Config& table, const std::string& base_dir, TransportConfig& c)> read;
  // One line for messages and plans ("tcp HOST:PORT", "directory PATH").
  std::function<std::string(const TransportConfig& c)> describe;
  // Whether a walker's and a trainer's configs name the same transport.
  std::function<bool(const TransportConfig& walker, const TransportConfig& trainer)> same;
  // The trainer's state directory when [trainer] state_dir is not given.
  std::function<std::string(const TransportConfig& c, const std::string& base_dir)> default_state_dir;
  std::function<std::unique_ptr<WalkerTransport>(const TransportConfig& c, const WalkerSetup& setup)> walker;
  // `counted`: what the trainer's checkpoint already holds; `report`: problems met while serving.
  std::function<std::unique_ptr<TrainerTransport>(const TransportConfig& c, const SampleLedger& counted,
                                                  MessageSink report)>
      trainer;
};

class TransportRegistration {
 public:
  explicit TransportRegistration(TransportKind kind);
};

// The registered transport `name`; throws Error naming the known ones.
const TransportKind& transport_kind(const std::string& name);
// Registered names, sorted; `walker`: including the walker-only ones.
std::vector<std::string> transport_names(bool walker);

// [transport] of `slhmc trainer` or [training.transport] of `slhmc run` (`walker`: walker-only
// transports are a choice too).
TransportConfig read_transport_config(const Config& table, const std::string& base_dir, bool walker = false);
std::string describe_transport(const TransportConfig& c);
bool same_transport(const TransportConfig& walker, const TransportConfig& trainer);

// Config paths relative to the config, written without "./" steps (they name shared places).
std::string resolve_shared_path(const std::string& base_dir, const std::string& path);

}  // namespace slhmc::learning
