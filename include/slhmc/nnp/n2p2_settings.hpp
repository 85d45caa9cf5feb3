// The settings of an n2p2 (2G-HDNNP) model as read from its `input.nn`
// (nnp-formats.md §B2–B8): elements sorted by atomic number, one cutoff
// function, the per-element symmetry functions in n2p2's sorted order (= the
// network input order and the order of `scaling.data`), the scaling mode, the
// network topology and the energy/length normalisation. Describes only; the
// model (n2p2_model.hpp) computes. Lengths and energies are in the model's own
// units (nothing here knows Å or eV).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace slhmc::nnp::n2p2 {

// `cutoff_type <n>` (§B4); the numeric values are n2p2's.
enum class CutoffType { hard = 0, cos = 1, tanhu = 2, tanh = 3, exp = 4, poly1 = 5, poly2 = 6, poly3 = 7, poly4 = 8 };

// §B7; the numeric values are n2p2's ST_* codes.
enum class ScalingMode { none = 0, scale = 1, center = 2, scale_center = 3, scale_sigma = 4 };

// Which syntax the per-element topology keywords (`element_nodes_short`, ...)
// follow (§B8.3). They are rejected unless one is named, because the two
// syntaxes are silently misread by the other n2p2 version.
//   v2_3_0: `element_nodes_short <sym> <layer> <n>` (one line per changed hidden layer)
//   master: `element_hidden_layers_short <sym> <n>`, `element_nodes_short <sym> <n1> … <nn>`,
//           `element_activation_short <sym> <a1> … <an> <a_out>`
enum class TopologyDialect { unspecified, v2_3_0, master };

// One symmetry function line (§B5). Element indices are positions in the
// Z-sorted element list; for types 3/9, e1 ≤ e2 after n2p2's swap.
struct SymmetryFunctionSpec {
  int type = 0;         // 2, 3, 9, 12 or 13
  int e1 = -1;          // neighbour element index (types 2, 3, 9), else −1
  int e2 = -1;          // second neighbour element index (types 3, 9), else −1
  double eta = 0.0;     // 1/length²
  double rs = 0.0;      // length
  double lambda = 0.0;  // ±1 typically (angular types)
  double zeta = 0.0;    // angular types
  double rc = 0.0;      // length
  std::size_t line = 0; // line in input.nn (1-based), for messages and sf_order.txt's `ln`
};

// n2p2's sort key (§B6): type, rc, η, rs, then ζ, λ, e1, e2 for the angular
// types (cutoff type and α are shared by all functions of a model).
bool sf_less(const SymmetryFunctionSpec& a, const SymmetryFunctionSpec& b);
// Same key (two such lines would tie in the sort; the parser rejects them).
bool sf_same(const SymmetryFunctionSpec& a, const SymmetryFunctionSpec& b);

struct ElementTopology {
  std::vector<int> hidden_nodes;  // neurons per hidden layer
  std::string activations;        // n2p2 letters, hidden layers + 1 (the last is the output layer's)
};

struct Settings {
  std::string source;                 // file name used in messages
  std::vector<int> elements;          // atomic numbers, ascending (§B3)
  std::vector<std::string> symbols;   // same order
  std::vector<double> atom_energy;    // per element offset E0_e, model energy units (default 0)
  CutoffType cutoff_type = CutoffType::hard;
  double cutoff_alpha = 0.0;          // inner cutoff fraction, 0 ≤ α < 1
  std::vector<std::vector<SymmetryFunctionSpec>> sfs;  // per element, sorted (§B6)
  ScalingMode scaling = ScalingMode::none;
  double scale_min = 0.0;             // Smin (modes scale, scale_center, scale_sigma)
  double scale_max = 1.0;             // Smax
  std::vector<ElementTopology> topology;  // per element
  std::size_t activation_line = 0;    // line of global_activation_short (for messages)
  bool normalize_nodes = false;
  bool normalized = false;            // mean_energy / conv_energy / conv_length given
  double mean_energy = 0.0;           // μ, model energy units per atom
  double conv_energy = 1.0;           // c_E: E* = (E − offsets − N·μ)·c_E
  double conv_length = 1.0;           // c_L: r* = c_L·r
  std::vector<std::string> warnings;  // what n2p2 would only warn about (unknown keywords, ...)

  // Largest symmetry-function cutoff over all elements (model length units).
  double max_cutoff() const;
  // Index of atomic number z in `elements`, or −1.
  int element_index(int z) const;
};

// Parses the text of an input.nn. Throws ParseError (source, line, what was
// expected) for malformed or unsupported input: 4G/Q-HDNNP, symmetry function
// types other than 2/3/9/12/13 (20–25 named as such), duplicate functions,
// negative rs or λ = 0 of an angular function, repeated keywords other than
// symfunction_short/atom_energy/element_nodes_short, per-element topology
// without a dialect, inconsistent element counts or normalisation.
Settings parse_input_nn(std::string_view text, const std::string& source,
                        TopologyDialect dialect = TopologyDialect::unspecified);
// Reads and parses the file at `path`.
Settings read_input_nn(const std::string& path, TopologyDialect dialect = TopologyDialect::unspecified);

const char* cutoff_type_name(CutoffType type);
const char* scaling_mode_name(ScalingMode mode);

}  // namespace slhmc::nnp::n2p2
