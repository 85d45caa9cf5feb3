// What the telemetry of a learning run says: from the events.csv logs of its
// walkers and its trainer (io/event_log.hpp) and each walker's trials.csv
// (trial → model version), the figures of issue 7 — per walker the fractions
// of wall time spent computing (trajectory, reference), bootstrapping,
// stalled (shipping samples, polling, loading or waiting for a model,
// training in the walker) and on everything else; the trainer's busy
// fraction while samples arrive, samples per second in and models per hour
// out; and model staleness, in trials. The timeline picture is in timeline_svg.hpp.
//
// Actors: "trainer" is the trainer; every other actor is a walker. Times are
// the logs' seconds since the epoch; all durations are in seconds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "slhmc/io/event_log.hpp"

namespace slhmc::analysis {

// One row of a walker's trials.csv, as far as staleness needs it.
struct TrialModel {
  std::uint64_t trial = 0;      // 1, 2, ... (the sample of trial t is the reference call of trial t)
  long long model_version = 0;  // the surrogate the trial ran with
  bool production = false;      // phase "production": the model is frozen, the sample is not counted
};

// The trials of one walker; `walker` is its actor in the event logs (and its id in `through=`).
struct WalkerTrials {
  std::string walker;
  std::vector<TrialModel> trials;
};

// Model staleness of samples: for the sample of trial t, t' − t where t' is the first later
// trial of the same walker whose model was trained on it (a train event of that version with
// through[walker] ≥ t). Statistics in trials; NaN when `samples` is 0.
struct Staleness {
  std::size_t samples = 0;  // samples that got a model (counted in the statistics)
  std::size_t never = 0;    // samples no later trial's model was trained on (not counted)
  double mean = 0, median = 0, p90 = 0, max = 0;
};

// Wall time of one walker between its first event's start and its last event's end, split by
// priority so the four fractions sum to 1: time inside a bootstrap event is bootstrap; else
// inside a trajectory or reference event, compute; else inside ship, poll, model_load, wait or
// train, stall; the rest (the sampler's own logging and checkpoints, unknown kinds) is other.
struct WalkerTelemetry {
  std::string walker;
  std::size_t events = 0;
  double span_s = 0;
  std::map<std::string, double> seconds;  // summed durations by kind, as logged
  double compute_s = 0, bootstrap_s = 0, stall_s = 0, other_s = 0;
  double compute_fraction = 0, bootstrap_fraction = 0, stall_fraction = 0, other_fraction = 0;
  Staleness staleness;  // of this walker's samples (zero samples when it has no trials table)
};

// The trainer while samples keep arriving: the window runs from the start of its first ingest
// event that took samples to the end of the last one. Fractions and rates are NaN without a
// window (no ingest took samples).
struct TrainerTelemetry {
  bool present = false;  // any trainer event
  std::size_t events = 0;
  double span_s = 0;
  std::map<std::string, double> seconds;  // summed durations by kind
  double window_start_s = 0, window_s = 0;
  double train_in_window_s = 0;  // time inside train events within the window (overlaps counted once)
  double busy_fraction = 0;      // train_in_window_s / window_s
  std::uint64_t samples_in = 0;  // sum of ingest samples=K
  std::size_t rounds = 0;        // train events
  std::size_t published = 0;     // publish events
  double samples_per_s = 0;      // samples_in / window_s
  double models_per_hour = 0;    // published / window_s × 3600
};

struct TelemetryReport {
  double start_s = 0, end_s = 0;  // earliest event start, latest event end
  std::size_t events = 0;
  std::vector<WalkerTelemetry> walkers;  // in natural order of their names (walker-2 before walker-10)
  TrainerTelemetry trainer;
  Staleness staleness;  // over the samples of every walker with a trials table
};

// The report of `events` (any number of logs, concatenated) and the walkers' trials. Throws
// Error for a non-finite time, a trials table of a walker without events, or a detail the
// figures need that does not parse (ingest samples=K, train version=V, through=w:T/..., a
// reference's trial=N), naming the actor, kind and start time of the event.
TelemetryReport analyse_telemetry(const std::vector<Event>& events, const std::vector<WalkerTrials>& walkers);

// Checks one event as analyse_telemetry will read it (finite times, the details above), so that
// a caller who knows where the event came from can name its file and line. Throws Error.
void check_telemetry_event(const Event& event);

// The report as a few small plain-text tables (telemetry.txt, the terminal).
std::string format_telemetry(const TelemetryReport& report);

// "a-2" before "a-10": digit runs compare as numbers.
bool natural_less(const std::string& a, const std::string& b);

}  // namespace slhmc::analysis
