// The summary of a walker run (summary.txt), computed from its trials.csv so
// that a restarted run summarizes the whole chain: trials per move and their
// acceptance (by phase when the surrogate was learned), the surrogate's error δ,
// ⟨V_ref⟩ with a blocking error bar, τ_int and the effective sample size, and
// ⟨V⟩ when the volume moved.
#pragma once

#include <string>

namespace slhmc::analysis {

// The summary text of the run in `run_dir`; `model_version` is the surrogate in use at the end
// (0: not reported). Throws Error if trials.csv cannot be read.
std::string run_summary(const std::string& run_dir, long long model_version);
// Writes run_summary() to run_dir/summary.txt atomically and returns it.
std::string write_run_summary(const std::string& run_dir, long long model_version);

}  // namespace slhmc::analysis
