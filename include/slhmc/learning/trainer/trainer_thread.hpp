// The in-process trainer of `slhmc run` ([training] mode = "async" or
// "deterministic" without a [training.transport]): a TrainerDaemon in a thread
// of its own beside the walker, over the in-process transport. The walker
// never waits for it (except at the swaps of the deterministic mode); its
// state lives in a directory of its own, so a restarted run resumes it.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "slhmc/learning/transport/in_process/in_process_transport.hpp"
#include "slhmc/learning/trainer/trainer_daemon.hpp"

namespace slhmc::learning {

class TrainerThread {
 public:
  // Restores the daemon (throws Error for a bad state before any thread starts), publishes the
  // models it already has (a restart: the walker may need any of them), then starts it.
  TrainerThread(TrainerDaemonOptions options, std::function<void(const std::string&)> on_message = {});
  ~TrainerThread();
  TrainerThread(const TrainerThread&) = delete;
  TrainerThread& operator=(const TrainerThread&) = delete;

  InProcessTransport& transport() { return transport_; }
  // Asks the daemon to stop after its current round and waits for it.
  void stop();
  // Why the daemon stopped by itself with an error ("" while it runs or if it did not).
  std::string failure() const;
  // Valid after stop().
  const TrainerDaemon& daemon() const { return *daemon_; }

 private:
  InProcessTransport transport_;
  std::unique_ptr<TrainerDaemon> daemon_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::string failure_;
  std::thread thread_;
};

}  // namespace slhmc::learning
