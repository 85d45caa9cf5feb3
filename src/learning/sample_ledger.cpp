// Exactly-once bookkeeping of samples (see sample_ledger.hpp).
#include "slhmc/learning/sample_ledger.hpp"

#include <sstream>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/sample_format.hpp"

namespace slhmc::learning {

bool SampleLedger::insert(const std::string& walker, std::uint64_t sequence) {
  Walker& w = walkers_[walker];
  if (sequence < w.next || !w.above.insert(sequence).second) return false;
  while (!w.above.empty() && *w.above.begin() == w.next) {
    w.above.erase(w.above.begin());
    ++w.next;
  }
  ++total_;
  return true;
}

bool SampleLedger::contains(const std::string& walker, std::uint64_t sequence) const {
  const auto it = walkers_.find(walker);
  return it != walkers_.end() && (sequence < it->second.next || it->second.above.count(sequence) > 0);
}

std::uint64_t SampleLedger::contiguous(const std::string& walker) const {
  const auto it = walkers_.find(walker);
  return it == walkers_.end() ? 0 : it->second.next;
}

bool SampleLedger::contains_all(const std::string& walker, std::uint64_t first, std::uint64_t last) const {
  const auto it = walkers_.find(walker);
  if (it == walkers_.end()) return false;
  for (std::uint64_t s = first; s <= last; ++s) {
    if (s < it->second.next) {
      s = it->second.next - 1;  // skip the covered run
      continue;
    }
    if (it->second.above.count(s) == 0) return false;
  }
  return true;
}

std::string SampleLedger::serialize() const {
  std::ostringstream out;
  for (const auto& [id, w] : walkers_) {
    out << "walker " << id << ' ' << w.next;
    for (const auto s : w.above) out << ' ' << s;
    out << '\n';
  }
  return out.str();
}

SampleLedger SampleLedger::parse(const std::string& text, const std::string& source) {
  SampleLedger ledger;
  std::istringstream in(text);
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    std::istringstream ls(line);
    std::string tag, id, number;
    ls >> tag >> id;
    if (tag != "walker" || !is_valid_walker_id(id))
      throw ParseError(source, line_no, "expected 'walker <id> <watermark> [sequences]', got '" + line + "'");
    if (ledger.walkers_.count(id) > 0) throw ParseError(source, line_no, "walker '" + id + "' listed twice");
    Walker& w = ledger.walkers_[id];
    bool first = true;
    while (ls >> number) {
      if (number.find_first_not_of("0123456789") != std::string::npos || number.size() > 19)
        throw ParseError(source, line_no, "'" + number + "' is not a sequence number");
      const std::uint64_t v = std::stoull(number);
      if (first) {
        w.next = v;
        ledger.total_ += v;
        first = false;
      } else {
        if (v <= w.next || !w.above.insert(v).second)
          throw ParseError(source, line_no, "sequence " + number + " is below the watermark or repeated");
        ++ledger.total_;
      }
    }
    if (first) throw ParseError(source, line_no, "walker '" + id + "' without a watermark");
  }
  return ledger;
}

}  // namespace slhmc::learning
