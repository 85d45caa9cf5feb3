// Text checkpoints with an FNV-1a checksum over the body.
#include "slhmc/sampling/checkpoint.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"

namespace slhmc::sampling {

namespace {

// Version 1 stored the HMC move's state in fixed `trajectory` and `tuning` lines.
constexpr const char* kMagicPrefix = "slhmc-checkpoint ";
constexpr const char* kMagic = "slhmc-checkpoint 2";

std::string num(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

void put_vec(std::ostringstream& out, const Vec3& v) { out << num(v[0]) << ' ' << num(v[1]) << ' ' << num(v[2]); }

// Reads whitespace-separated tokens line by line, with line numbers for errors.
class Lines {
 public:
  Lines(const std::string& text, std::string source) : source_(std::move(source)) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines_.push_back(line);
  }
  std::istringstream next(const std::string& expected_key) {
    if (pos_ >= lines_.size()) throw ParseError(source_, pos_ + 1, "file ends early; expected '" + expected_key + "'");
    std::istringstream in(lines_[pos_++]);
    std::string key;
    in >> key;
    if (key != expected_key) throw ParseError(source_, pos_, "expected '" + expected_key + "', found '" + key + "'");
    return in;
  }
  template <typename T>
  T read(std::istringstream& in, const std::string& what) {
    T value;
    if (!(in >> value)) throw ParseError(source_, pos_, "expected " + what);
    return value;
  }
  double real(std::istringstream& in, const std::string& what) {
    std::string tok;
    if (!(in >> tok)) throw ParseError(source_, pos_, "expected " + what);
    char* end = nullptr;
    const double v = std::strtod(tok.c_str(), &end);
    if (end == tok.c_str() || *end != '\0' || !std::isfinite(v))
      throw ParseError(source_, pos_, "expected a finite number for " + what + ", found '" + tok + "'");
    return v;
  }
  Vec3 vec(std::istringstream& in, const std::string& what) {
    return {real(in, what), real(in, what), real(in, what)};
  }
  std::size_t line() const { return pos_; }
  bool has_more() const { return pos_ < lines_.size(); }
  const std::string& source() const { return source_; }

 private:
  std::vector<std::string> lines_;
  std::size_t pos_ = 0;
  std::string source_;
};

}  // namespace

std::string serialize_checkpoint(const Checkpoint& c) {
  const ChainState& s = c.state;
  std::ostringstream out;
  out << kMagic << '\n';
  out << "trials " << s.trials << "\naccepted " << s.accepted << '\n';
  out << "rng " << s.rng.to_string() << '\n';
  out << "moves " << c.moves.size() << '\n';
  for (const auto& [name, state] : c.moves) {
    if (name.empty() || name.find_first_of(" \t\n") != std::string::npos || state.find('\n') != std::string::npos)
      throw Error("checkpoint: move '" + name + "' has a name with white space or a state of several lines");
    out << "move " << name << (state.empty() ? "" : " ") << state << '\n';
  }
  const Mat3& m = s.frame.cell.matrix();
  const Pbc& pbc = s.frame.cell.pbc();
  out << "cell";
  for (const auto& row : m) out << ' ' << num(row[0]) << ' ' << num(row[1]) << ' ' << num(row[2]);
  out << ' ' << pbc[0] << ' ' << pbc[1] << ' ' << pbc[2] << '\n';
  out << "atoms " << s.frame.size() << '\n';
  for (std::size_t i = 0; i < s.frame.size(); ++i) {
    out << "atom " << s.frame.numbers[i] << ' ' << num(s.frame.masses[i]) << ' ';
    put_vec(out, s.frame.positions[i]);
    out << '\n';
  }
  out << "energy " << num(s.reference.energy) << '\n';
  out << "forces " << s.reference.forces.size() << '\n';
  for (const auto& f : s.reference.forces) {
    out << "f ";
    put_vec(out, f);
    out << '\n';
  }
  out << "virial " << s.reference.has_virial;
  for (const auto& row : s.reference.virial) out << ' ' << num(row[0]) << ' ' << num(row[1]) << ' ' << num(row[2]);
  out << '\n';
  out << "momenta " << s.momenta.size() << '\n';
  for (const auto& p : s.momenta) {
    out << "p ";
    put_vec(out, p);
    out << '\n';
  }
  out << "logs " << c.log_sizes.size() << '\n';
  for (const auto& [name, size] : c.log_sizes) out << "log " << name << ' ' << size << '\n';
  if (c.model_file.find_first_of(" \t\n") != std::string::npos)
    throw Error("checkpoint: the model file name '" + c.model_file + "' contains white space");
  out << "model " << c.model_version << ' ' << (c.model_file.empty() ? "-" : c.model_file) << '\n';
  const std::string body = out.str();
  return body + "checksum " + hex16(fnv1a64(body)) + "\n";
}

Checkpoint parse_checkpoint(const std::string& text, const std::string& source) {
  // Verify the checksum first: a truncated or edited file is refused before anything is trusted.
  const std::size_t pos = text.rfind("checksum ");
  const bool version1 = text.rfind("slhmc-checkpoint 1\n", 0) == 0;
  if (!version1 && text.rfind(std::string(kMagic) + "\n", 0) != 0) {
    if (text.rfind(kMagicPrefix, 0) == 0) throw ParseError(source, 1, "checkpoint of an unknown version (this slhmc reads 1 and 2)");
    throw ParseError(source, 1, std::string("not a slhmc checkpoint (expected '") + kMagic + "')");
  }
  if (pos == std::string::npos || (pos > 0 && text[pos - 1] != '\n'))
    throw ParseError(source, 0, "checkpoint is truncated (no checksum line)");
  const std::string body = text.substr(0, pos);
  std::string stated = text.substr(pos + 9);
  while (!stated.empty() && (stated.back() == '\n' || stated.back() == '\r')) stated.pop_back();
  if (stated != hex16(fnv1a64(body))) throw ParseError(source, 0, "checkpoint checksum mismatch (file corrupted); the previous checkpoint is kept as '.prev'");

  Lines in(body, source);
  Checkpoint c;
  ChainState& s = c.state;
  in.next("slhmc-checkpoint");
  {
    auto l = in.next("trials");
    s.trials = in.read<std::uint64_t>(l, "the trial count");
  }
  {
    auto l = in.next("accepted");
    s.accepted = in.read<std::uint64_t>(l, "the accepted count");
  }
  {
    auto l = in.next("rng");
    std::string rest;
    std::getline(l, rest);
    const std::size_t start = rest.find_first_not_of(' ');
    if (start == std::string::npos) throw ParseError(source, in.line(), "expected the random generator's state");
    try {
      s.rng = Rng::from_string(rest.substr(start));
    } catch (const Error& e) {
      throw ParseError(source, in.line(), e.what());
    }
  }
  if (version1) {
    // The HMC move's state, in the form HmcMove::save_state writes it.
    auto l = in.next("trajectory");
    const int n_md = in.read<int>(l, "n_md");
    const double dt = in.real(l, "dt_fs");
    auto t = in.next("tuning");
    const auto trials = in.read<std::uint64_t>(t, "the tuning window's trial count");
    const auto accepted = in.read<std::uint64_t>(t, "the tuning window's acceptance count");
    c.moves["hmc"] = std::to_string(n_md) + ' ' + num(dt) + ' ' + std::to_string(trials) + ' ' + std::to_string(accepted);
  } else {
    auto l = in.next("moves");
    const auto nm = in.read<std::size_t>(l, "the move count");
    for (std::size_t i = 0; i < nm; ++i) {
      auto m = in.next("move");
      const auto name = in.read<std::string>(m, "a move name");
      std::string state;
      std::getline(m, state);
      const std::size_t start = state.find_first_not_of(' ');
      state = start == std::string::npos ? std::string() : state.substr(start);
      if (!c.moves.emplace(name, state).second) throw ParseError(source, in.line(), "move '" + name + "' appears twice");
    }
  }
  {
    auto l = in.next("cell");
    Mat3 m{in.vec(l, "cell vector 1"), in.vec(l, "cell vector 2"), in.vec(l, "cell vector 3")};
    Pbc pbc{in.read<bool>(l, "pbc flag"), in.read<bool>(l, "pbc flag"), in.read<bool>(l, "pbc flag")};
    try {
      s.frame.cell = (pbc[0] || pbc[1] || pbc[2] || determinant(m) != 0) ? Cell(m, pbc) : Cell();
    } catch (const Error& e) {
      throw ParseError(source, in.line(), e.what());
    }
  }
  std::size_t n;
  {
    auto l = in.next("atoms");
    n = in.read<std::size_t>(l, "the atom count");
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto l = in.next("atom");
    s.frame.numbers.push_back(in.read<int>(l, "an atomic number"));
    s.frame.masses.push_back(in.real(l, "a mass"));
    s.frame.positions.push_back(in.vec(l, "a position"));
  }
  try {
    s.frame.validate();
  } catch (const Error& e) {
    throw ParseError(source, in.line(), e.what());
  }
  {
    auto l = in.next("energy");
    s.reference.energy = in.real(l, "the reference energy");
  }
  {
    auto l = in.next("forces");
    const auto nf = in.read<std::size_t>(l, "the force count");
    if (nf != n) throw ParseError(source, in.line(), "force count differs from the atom count");
    for (std::size_t i = 0; i < nf; ++i) {
      auto f = in.next("f");
      s.reference.forces.push_back(in.vec(f, "a force"));
    }
  }
  {
    auto l = in.next("virial");
    s.reference.has_virial = in.read<bool>(l, "the virial flag");
    for (auto& row : s.reference.virial) row = in.vec(l, "a virial row");
  }
  {
    auto l = in.next("momenta");
    const auto np = in.read<std::size_t>(l, "the momentum count");
    if (np != 0 && np != n) throw ParseError(source, in.line(), "momentum count differs from the atom count");
    for (std::size_t i = 0; i < np; ++i) {
      auto p = in.next("p");
      s.momenta.push_back(in.vec(p, "a momentum"));
    }
  }
  {
    auto l = in.next("logs");
    const auto nl = in.read<std::size_t>(l, "the log count");
    for (std::size_t i = 0; i < nl; ++i) {
      auto f = in.next("log");
      const auto name = in.read<std::string>(f, "a log name");
      c.log_sizes[name] = in.read<std::int64_t>(f, "a log size");
    }
  }
  if (in.has_more()) {  // absent in checkpoints written before models were swapped in runs
    auto l = in.next("model");
    c.model_version = in.read<long long>(l, "the model version");
    c.model_file = in.read<std::string>(l, "the model file");
    if (c.model_file == "-") c.model_file.clear();
    if (c.model_version < 0) throw ParseError(source, in.line(), "the model version must be >= 0");
  }
  return c;
}

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
  write_file_atomically(path, serialize_checkpoint(checkpoint), /*keep_previous=*/true);
}

Checkpoint load_checkpoint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open checkpoint '" + path + "'");
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_checkpoint(buf.str(), path);
}

}  // namespace slhmc::sampling
